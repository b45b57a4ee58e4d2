// GitClient over file:// (allowed only when the client is told so), plus the run limits.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createTestRepo, fileUrl, type TestRepo } from '../../test/helpers/git-server.ts';
import { createGitClient } from './index.ts';

const none = { kind: 'none' } as const;
const signal = (): AbortSignal => AbortSignal.timeout(20_000);

let repo: TestRepo;
let workDir: string;
let head: string;

before(async () => {
  repo = await createTestRepo({ files: { 'a.yaml': 'a: 1\n' } });
  head = await repo.commit({ 'b.yaml': 'b: 2\n' });
  workDir = await mkdtemp(join(tmpdir(), 'moor-git-test-'));
});

after(async () => {
  await repo.close();
  await rm(workDir, { recursive: true, force: true });
});

test('fetches over file:// when file URLs are allowed', async () => {
  const client = createGitClient({ env: process.env, timeoutMs: 20_000, allowFileUrls: true });
  const dest = join(workDir, 'file');
  const fetched = await client.fetchCommit(fileUrl(repo), none, { ref: 'main' }, dest, signal());
  assert.ok(fetched.ok, !fetched.ok ? fetched.error.message : '');
  assert.equal(fetched.value.sha, head);
  assert.deepEqual((await readdir(dest)).sort(), ['a.yaml', 'b.yaml']);
  assert.equal(await readFile(join(dest, 'b.yaml'), 'utf8'), 'b: 2\n');
});

test('refuses file:// URLs unless allowed', async () => {
  const client = createGitClient({ env: process.env, timeoutMs: 20_000 });
  const result = await client.listRemoteRefs(fileUrl(repo), none, signal());
  assert.ok(!result.ok);
  assert.equal(result.error.code, 'InvalidUrl');
  assert.match(result.error.message, /file:\/\//);
});

test('a fetch whose expected commit is not what the ref names fails and leaves no files', async () => {
  const client = createGitClient({ env: process.env, timeoutMs: 20_000, allowFileUrls: true });
  const dest = join(workDir, 'moved');
  const fetched = await client.fetchCommit(
    fileUrl(repo),
    none,
    { ref: 'main', sha: '0'.repeat(40) },
    dest,
    signal(),
  );
  assert.ok(!fetched.ok);
  assert.equal(fetched.error.code, 'RefNotFound');
  assert.deepEqual(await readdir(dest), []);
});

test("the caller's deadline turns into Timeout, an abort into Aborted", async () => {
  const client = createGitClient({ env: process.env, timeoutMs: 20_000, allowFileUrls: true });
  const timedOut = await client.listRemoteRefs(fileUrl(repo), none, AbortSignal.timeout(0));
  assert.equal(!timedOut.ok && timedOut.error.code, 'Timeout');
  const aborted = await client.listRemoteRefs(fileUrl(repo), none, AbortSignal.abort());
  assert.equal(!aborted.ok && aborted.error.code, 'Aborted');
});

test('a hanging remote is stopped at the client timeout', async () => {
  // A server that accepts connections and never answers: git waits until the timeout stops it.
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const client = createGitClient({ env: process.env, timeoutMs: 500 });
    const started = performance.now();
    const result = await client.listRemoteRefs(`http://127.0.0.1:${port}/repo`, none, signal());
    assert.equal(!result.ok && result.error.code, 'Timeout');
    assert.ok(performance.now() - started < 5_000);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('user and system git config do not leak in (HOME is a fresh dir)', async () => {
  // A config that would break fetches if read: an insteadOf rewriting the URL to nowhere.
  const home = await mkdtemp(join(tmpdir(), 'moor-git-home-'));
  await writeFile(
    join(home, '.gitconfig'),
    `[url "file:///nowhere/"]\n\tinsteadOf = ${fileUrl(repo)}\n`,
  );
  try {
    const client = createGitClient({
      timeoutMs: 20_000,
      allowFileUrls: true,
      env: { ...process.env, HOME: home, GIT_CONFIG_GLOBAL: join(home, '.gitconfig') },
    });
    const result = await client.listRemoteRefs(fileUrl(repo), none, signal());
    assert.ok(result.ok, !result.ok ? result.error.message : '');
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test('a missing git program is a Failed result naming it', async () => {
  const client = createGitClient({
    env: process.env,
    timeoutMs: 20_000,
    allowFileUrls: true,
    gitPath: '/nonexistent/git',
  });
  const result = await client.listRemoteRefs(fileUrl(repo), none, signal());
  assert.ok(!result.ok);
  assert.equal(result.error.code, 'Failed');
  assert.match(result.error.message, /\/nonexistent\/git/);
});
