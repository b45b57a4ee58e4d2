// updateBranch against a real repository served over smart HTTP: a commit of the edit, nothing
// when the edit changes nothing, a concurrent push rebased over (kept, not lost), another branch.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  createTestRepo,
  startHttpGitServer,
  type HttpGitServer,
  type TestRepo,
} from '../../test/helpers/git-server.ts';
import { createGitClient, type GitAuth } from './index.ts';

const auth: GitAuth = { kind: 'basic', username: 'bot', password: 'pa55-push' };
const signal = (): AbortSignal => AbortSignal.timeout(60_000);
const git = createGitClient({ timeoutMs: 30_000, env: process.env });
const author = { name: 'Moor', email: 'moor@example.invalid' };

let repo: TestRepo;
let server: HttpGitServer;
before(async () => {
  repo = await createTestRepo({ files: { 'app.yaml': 'image: web:1 # marker\nother: x\n' } });
  server = await startHttpGitServer(repo, { basic: auth });
});
after(async () => {
  await server.close();
  await repo.close();
});

const setImage = (tag: string) => async (dir: string) => {
  const path = join(dir, 'app.yaml');
  const text = await readFile(path, 'utf8');
  const next = text.replace(/web:\S+/, `web:${tag}`);
  if (next === text) return undefined;
  await writeFile(path, next);
  return `Set web to ${tag}`;
};

test('the edit is committed by the author and pushed; the same edit again commits nothing', async () => {
  const before_ = await repo.revParse('HEAD');
  const update = { checkoutBranch: 'main', pushBranch: 'main', author, attempts: 3 };
  const done = await git.updateBranch(
    server.url,
    auth,
    { ...update, edit: setImage('2') },
    signal(),
  );
  assert.ok(done.ok, done.ok ? '' : done.error.message);
  assert.equal(done.value.pushed, true);
  assert.equal(await repo.revParse('HEAD'), done.value.head);
  assert.equal((await repo.git('rev-parse', 'HEAD~1')).trim(), before_);
  assert.equal(
    await repo.git('log', '-1', '--format=%an <%ae>|%s'),
    'Moor <moor@example.invalid>|Set web to 2\n',
  );
  assert.equal(await repo.git('show', 'HEAD:app.yaml'), 'image: web:2 # marker\nother: x\n');
  const again = await git.updateBranch(
    server.url,
    auth,
    { ...update, edit: setImage('2') },
    signal(),
  );
  assert.ok(again.ok);
  assert.deepEqual(again.value, { pushed: false, head: done.value.head, attempts: 1 });
  assert.equal(await repo.revParse('HEAD'), done.value.head);
});

test('a push to the branch between checkout and push is rebased over, not lost', async () => {
  let calls = 0;
  const edit = async (dir: string) => {
    calls++;
    // Someone else pushes while the first attempt is editing.
    if (calls === 1) await repo.commit({ 'other.txt': 'concurrent\n' }, 'concurrent change');
    return setImage('3')(dir);
  };
  const update = { checkoutBranch: 'main', pushBranch: 'main', author, attempts: 3, edit };
  const done = await git.updateBranch(server.url, auth, update, signal());
  assert.ok(done.ok, done.ok ? '' : done.error.message);
  assert.equal(done.value.attempts, 2);
  assert.equal(await repo.git('log', '-2', '--format=%s'), 'Set web to 3\nconcurrent change\n');
  assert.equal(await repo.git('show', 'HEAD:other.txt'), 'concurrent\n');
  assert.equal(await repo.git('show', 'HEAD:app.yaml'), 'image: web:3 # marker\nother: x\n');
});

test('another push branch gets the commit and the checkout branch stays', async () => {
  const main = await repo.revParse('main');
  const update = {
    checkoutBranch: 'main',
    pushBranch: 'images',
    author,
    attempts: 1,
    edit: setImage('4'),
  };
  const done = await git.updateBranch(server.url, auth, update, signal());
  assert.ok(done.ok, done.ok ? '' : done.error.message);
  assert.equal(await repo.revParse('main'), main);
  assert.equal(await repo.revParse('images'), done.value.head);
  assert.equal((await repo.git('rev-parse', 'images~1')).trim(), main);
});

test('a wrong password is Unauthorized and pushes nothing', async () => {
  const head = await repo.revParse('main');
  const wrong: GitAuth = { kind: 'basic', username: 'bot', password: 'nope' };
  const update = {
    checkoutBranch: 'main',
    pushBranch: 'main',
    author,
    attempts: 1,
    edit: setImage('9'),
  };
  const done = await git.updateBranch(server.url, wrong, update, signal());
  assert.equal(done.ok ? '' : done.error.code, 'Unauthorized');
  assert.equal(await repo.revParse('main'), head);
});
