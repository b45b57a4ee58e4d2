// The rollback commit against a real smart-HTTP server with basic auth: one path or the whole
// tree restored, the rest of the branch kept, pushed without force.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestRepo, startHttpGitServer } from '../../test/helpers/git-server.ts';
import { createGitClient, normalizeTreePath, type GitAuth } from './index.ts';

const auth: GitAuth = { kind: 'basic', username: 'moor', password: 'r0llback-pw' };
const client = createGitClient({ env: process.env, timeoutMs: 20_000 });
const author = { name: 'Moor', email: 'moor@example.com' };

for (const [path, want] of [
  ['./', ''],
  ['.', ''],
  ['', ''],
  ['./deploy/', 'deploy'],
  ['deploy/prod', 'deploy/prod'],
] as const) {
  test(`normalizeTreePath(${JSON.stringify(path)}) is ${JSON.stringify(want)}`, () => {
    assert.equal(normalizeTreePath(path), want);
  });
}

test('restores one path as it was, keeps the rest, refuses a no-op and wrong credentials', async (t) => {
  const repo = await createTestRepo();
  t.after(() => repo.close());
  const old = await repo.commit({ 'deploy/a.yaml': 'v: 1\n', 'other/o.yaml': 'o: 1\n' }, 'one');
  await repo.commit({ 'deploy/a.yaml': 'v: 2\n', 'deploy/b.yaml': 'b\n' }, 'two');
  const head = await repo.commit({ 'other/o.yaml': 'o: 2\n' }, 'three');
  const server = await startHttpGitServer(repo, { basic: auth });
  t.after(() => server.close());
  const target = { branch: 'main', sha: old, path: './deploy', message: 'Roll back', author };

  const wrong = await client.pushRestoreCommit(
    server.url,
    { ...auth, password: 'nope' },
    target,
    AbortSignal.timeout(20_000),
  );
  assert.equal(wrong.ok, false);

  const pushed = await client.pushRestoreCommit(
    server.url,
    auth,
    target,
    AbortSignal.timeout(20_000),
  );
  assert.ok(pushed.ok, pushed.ok ? '' : pushed.error.message);
  assert.equal(pushed.value.parent, head);
  assert.equal(await repo.revParse('main'), pushed.value.sha);
  assert.equal(await repo.git('show', 'main:deploy/a.yaml'), 'v: 1\n');
  assert.equal(await repo.git('ls-tree', '--name-only', 'main', 'deploy/'), 'deploy/a.yaml\n');
  assert.equal(await repo.git('show', 'main:other/o.yaml'), 'o: 2\n');
  assert.equal((await repo.git('log', '-1', '--format=%s|%an', 'main')).trim(), 'Roll back|Moor');

  const again = await client.pushRestoreCommit(
    server.url,
    auth,
    target,
    AbortSignal.timeout(20_000),
  );
  assert.equal(again.ok, false);
  if (!again.ok) assert.match(again.error.message, /already as it was/);

  const whole = await client.pushRestoreCommit(
    server.url,
    auth,
    { ...target, path: './' },
    AbortSignal.timeout(20_000),
  );
  assert.ok(whole.ok, whole.ok ? '' : whole.error.message);
  assert.equal(await repo.git('show', 'main:other/o.yaml'), 'o: 1\n');
});
