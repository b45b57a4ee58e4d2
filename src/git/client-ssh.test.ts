// GitClient against a real sshd (Debian openssh-server) on loopback with its own host key.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  createTestRepo,
  createWrongKnownHosts,
  startSshGitServer,
  type SshGitServer,
  type TestRepo,
} from '../../test/helpers/git-server.ts';
import { createGitClient, type GitAuth } from './index.ts';

const signal = (): AbortSignal => AbortSignal.timeout(20_000);
const client = createGitClient({ env: process.env, timeoutMs: 20_000 });

let repo: TestRepo;
let server: SshGitServer;
let auth: GitAuth;
let workDir: string;
let head: string;

before(async () => {
  repo = await createTestRepo();
  head = await repo.commit({ 'app/config.yaml': 'replicas: 2\n' });
  server = await startSshGitServer(repo);
  auth = { kind: 'ssh', identity: server.identity, knownHosts: server.knownHosts };
  workDir = await mkdtemp(join(tmpdir(), 'moor-git-test-'));
});

after(async () => {
  await server.close();
  await repo.close();
  await rm(workDir, { recursive: true, force: true });
});

test('lists refs and fetches a commit over SSH with the right key and known_hosts', async () => {
  const refs = await client.listRemoteRefs(server.url, auth, signal());
  assert.ok(refs.ok, !refs.ok ? refs.error.message : '');
  assert.equal(refs.value.find((r) => r.name === 'refs/heads/main')?.sha, head);
  const dest = join(workDir, 'ok');
  const fetched = await client.fetchCommit(
    server.url,
    auth,
    { ref: 'main', sha: head },
    dest,
    signal(),
  );
  assert.ok(fetched.ok, !fetched.ok ? fetched.error.message : '');
  assert.deepEqual(await readdir(dest), ['app']);
  assert.equal(await readFile(join(dest, 'app/config.yaml'), 'utf8'), 'replicas: 2\n');
});

test('an identity without a trailing newline (as Secrets often hold it) still works', async () => {
  const trimmed: GitAuth = {
    kind: 'ssh',
    identity: server.identity.trim(),
    knownHosts: server.knownHosts.trim(),
  };
  const refs = await client.listRemoteRefs(server.url, trimmed, signal());
  assert.ok(refs.ok, !refs.ok ? refs.error.message : '');
});

test("a known_hosts without the server's key is refused (HostKeyRejected)", async () => {
  const wrong = { ...auth, knownHosts: await createWrongKnownHosts(server) };
  const result = await client.listRemoteRefs(server.url, wrong, signal());
  assert.ok(!result.ok);
  assert.equal(result.error.code, 'HostKeyRejected');
  assert.match(result.error.message, /127\.0\.0\.1/);
});

test('no credentials at all is refused too (no host key to trust)', async () => {
  const result = await client.listRemoteRefs(server.url, { kind: 'none' }, signal());
  assert.equal(!result.ok && result.error.code, 'HostKeyRejected');
});

test('a key the server does not know is Unauthorized', async () => {
  const other = await startSshGitServer(repo);
  try {
    const stranger: GitAuth = {
      kind: 'ssh',
      identity: other.identity,
      knownHosts: server.knownHosts,
    };
    const result = await client.listRemoteRefs(server.url, stranger, signal());
    assert.equal(!result.ok && result.error.code, 'Unauthorized');
  } finally {
    await other.close();
  }
});

test('pushTag over SSH points the tag at the commit', async () => {
  const pushed = await client.pushTag(
    server.url,
    auth,
    { sha: head, tag: 'moor/converged' },
    signal(),
  );
  assert.ok(pushed.ok, !pushed.ok ? pushed.error.message : '');
  assert.equal(await repo.revParse('refs/tags/moor/converged'), head);
});

test('the private key and known_hosts files are gone after each call, success or not', async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'moor-git-scratch-'));
  try {
    const watched = createGitClient({ env: process.env, timeoutMs: 20_000, tmpDir: scratch });
    assert.ok((await watched.listRemoteRefs(server.url, auth, signal())).ok);
    const wrong = { ...auth, knownHosts: await createWrongKnownHosts(server) };
    assert.ok(!(await watched.listRemoteRefs(server.url, wrong, signal())).ok);
    const dest = join(workDir, 'scratch-check');
    assert.ok((await watched.fetchCommit(server.url, auth, { ref: head }, dest, signal())).ok);
    assert.deepEqual(await readdir(scratch), []);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});
