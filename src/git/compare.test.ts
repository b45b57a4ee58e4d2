// compareToBranch against a real repository over file://: commits behind the head are counted
// and dated by the oldest one missing; a commit the branch no longer has is `diverged`, and one
// older than the history read is `unknown`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestRepo, fileUrl } from '../../test/helpers/git-server.ts';
import { createGitClient } from './index.ts';

const git = createGitClient({ timeoutMs: 30_000, env: process.env, allowFileUrls: true });
const none = { kind: 'none' } as const;
const signal = (): AbortSignal => AbortSignal.timeout(60_000);

void test('commits behind the head, since when; diverged and unknown commits', async () => {
  await using repo = await createTestRepo({ files: { 'a.txt': '0' } });
  const c0 = await repo.revParse('HEAD');
  const c1 = await repo.commit({ 'a.txt': '1' }, 'one');
  const c2 = await repo.commit({ 'a.txt': '2' }, 'two');
  const c1Time = (await repo.git('log', '-1', '--format=%cI', c1)).trim();
  // A commit on another branch, never merged.
  await repo.checkout('side');
  const side = await repo.commit({ 'b.txt': 'x' }, 'side');
  await repo.checkout('main');

  const shas = [c0, c1, c2, side, 'f'.repeat(40)];
  const all = await git.compareToBranch(
    fileUrl(repo),
    none,
    { branch: 'main', shas, depth: 100 },
    signal(),
  );
  assert.ok(all.ok, all.ok ? '' : all.error.message);
  assert.equal(all.value.head.sha, c2);
  assert.deepEqual(all.value.commits.get(c0), { state: 'behind', behind: 2, since: c1Time });
  assert.equal(all.value.commits.get(c1)?.state, 'behind');
  assert.deepEqual(all.value.commits.get(c2), { state: 'behind', behind: 0 });
  assert.deepEqual(all.value.commits.get(side), { state: 'diverged' });
  assert.deepEqual(all.value.commits.get('f'.repeat(40)), { state: 'diverged' });

  // Only the last two commits read: the first is older than that, not guessed.
  const shallow = await git.compareToBranch(
    fileUrl(repo),
    none,
    { branch: 'main', shas, depth: 2 },
    signal(),
  );
  assert.ok(shallow.ok);
  assert.deepEqual(shallow.value.commits.get(c0), { state: 'unknown' });
  assert.deepEqual(shallow.value.commits.get(c1), {
    state: 'behind',
    behind: 1,
    since: (await repo.git('log', '-1', '--format=%cI', c2)).trim(),
  });

  const missing = await git.compareToBranch(
    fileUrl(repo),
    none,
    { branch: 'nope', shas, depth: 2 },
    signal(),
  );
  assert.equal(missing.ok, false);
});
