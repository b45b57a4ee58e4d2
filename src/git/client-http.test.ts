// GitClient against a real smart-HTTP server (`git http-backend`) with basic and bearer auth.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  closedPortUrl,
  createTestRepo,
  startHttpGitServer,
  type HttpGitServer,
  type TestRepo,
} from '../../test/helpers/git-server.ts';
import { createGitClient, resolveRef, type GitAuth } from './index.ts';

const basic: GitAuth = { kind: 'basic', username: 'moor', password: 'pa55-word-x' };
const bearer: GitAuth = { kind: 'bearer', token: 'tok-3f9c1d' };
const signal = (): AbortSignal => AbortSignal.timeout(20_000);

let repo: TestRepo;
let basicServer: HttpGitServer;
let bearerServer: HttpGitServer;
let workDir: string;
let first: string;
let second: string;

before(async () => {
  repo = await createTestRepo();
  first = await repo.commit({ 'deploy/app.yaml': 'kind: ConfigMap\n', 'README.md': 'v1\n' }, 'one');
  await repo.tag('v1.0.0', { message: 'release 1.0.0' });
  second = await repo.commit({ 'deploy/app.yaml': 'kind: Secret\n', 'README.md': null }, 'two');
  await repo.tag('v1.1.0');
  basicServer = await startHttpGitServer(repo, { basic: basic });
  bearerServer = await startHttpGitServer(repo, { bearerToken: bearer.token });
  workDir = await mkdtemp(join(tmpdir(), 'moor-git-test-'));
});

after(async () => {
  await basicServer.close();
  await bearerServer.close();
  await repo.close();
  await rm(workDir, { recursive: true, force: true });
});

const client = createGitClient({ env: process.env, timeoutMs: 20_000 });

test('lists refs over HTTP with basic auth, annotated tags peeled to their commit', async () => {
  const result = await client.listRemoteRefs(basicServer.url, basic, signal());
  assert.ok(result.ok, !result.ok ? result.error.message : '');
  const byName = new Map(result.value.map((r) => [r.name, r.sha]));
  assert.equal(byName.get('refs/heads/main'), second);
  assert.equal(byName.get('refs/tags/v1.0.0'), first);
  assert.equal(byName.get('refs/tags/v1.1.0'), second);
});

test('a wrong password is Unauthorized, and the message names the URL but not the password', async () => {
  const wrong: GitAuth = { kind: 'basic', username: 'moor', password: 'not-the-password' };
  const result = await client.listRemoteRefs(basicServer.url, wrong, signal());
  assert.ok(!result.ok);
  assert.equal(result.error.code, 'Unauthorized');
  assert.match(result.error.message, new RegExp(basicServer.url));
  assert.doesNotMatch(JSON.stringify(result.error.data) + result.error.message, /not-the-password/);
});

test('no credentials against a protected server is Unauthorized', async () => {
  const result = await client.listRemoteRefs(basicServer.url, { kind: 'none' }, signal());
  assert.equal(!result.ok && result.error.code, 'Unauthorized');
});

test('credentials never travel in the URL and are sent as an Authorization header', async () => {
  const before = basicServer.requests.length;
  const result = await client.listRemoteRefs(basicServer.url, basic, signal());
  assert.ok(result.ok);
  const sent = basicServer.requests.slice(before);
  assert.ok(sent.length > 0);
  for (const request of sent) {
    assert.doesNotMatch(request.path, /moor|pa55/);
    assert.match(request.authorization ?? '', /^Basic /);
  }
});

test('a bearer token opens a token-protected server; a wrong token is Unauthorized', async () => {
  const good = await client.listRemoteRefs(bearerServer.url, bearer, signal());
  assert.ok(good.ok, !good.ok ? good.error.message : '');
  const bad = await client.listRemoteRefs(
    bearerServer.url,
    { kind: 'bearer', token: 'wrong-token' },
    signal(),
  );
  assert.equal(!bad.ok && bad.error.code, 'Unauthorized');
  assert.doesNotMatch(!bad.ok ? JSON.stringify(bad.error.data) : '', /wrong-token/);
});

test("shallow fetch of a tag checks out that commit's files and nothing else", async () => {
  const refs = await client.listRemoteRefs(basicServer.url, basic, signal());
  assert.ok(refs.ok);
  const resolved = resolveRef(refs.value, { semver: '~1.0' });
  assert.ok(resolved.ok);
  const dest = join(workDir, 'tag');
  const fetched = await client.fetchCommit(
    basicServer.url,
    basic,
    { ref: resolved.value.ref, sha: resolved.value.sha },
    dest,
    signal(),
  );
  assert.ok(fetched.ok, !fetched.ok ? fetched.error.message : '');
  assert.equal(fetched.value.sha, first);
  assert.deepEqual((await readdir(dest)).sort(), ['README.md', 'deploy']);
  assert.equal(await readFile(join(dest, 'deploy/app.yaml'), 'utf8'), 'kind: ConfigMap\n');
});

test('fetch by branch name gets the tip; the result dir keeps no .git and no credentials', async () => {
  const dest = join(workDir, 'branch');
  const fetched = await client.fetchCommit(basicServer.url, basic, { ref: 'main' }, dest, signal());
  assert.ok(fetched.ok, !fetched.ok ? fetched.error.message : '');
  assert.equal(fetched.value.sha, second);
  assert.deepEqual(await readdir(dest, { recursive: true }), ['deploy', 'deploy/app.yaml']);
  assert.equal(await readFile(join(dest, 'deploy/app.yaml'), 'utf8'), 'kind: Secret\n');
});

test('fetch by a commit that is not a tip', async () => {
  const dest = join(workDir, 'commit');
  const fetched = await client.fetchCommit(basicServer.url, basic, { ref: first }, dest, signal());
  assert.ok(fetched.ok, !fetched.ok ? fetched.error.message : '');
  assert.equal(fetched.value.sha, first);
  assert.equal(await readFile(join(dest, 'README.md'), 'utf8'), 'v1\n');
});

test('a missing branch is RefNotFound naming the ref and the URL', async () => {
  const dest = join(workDir, 'missing');
  const fetched = await client.fetchCommit(basicServer.url, basic, { ref: 'nope' }, dest, signal());
  assert.ok(!fetched.ok);
  assert.equal(fetched.error.code, 'RefNotFound');
  assert.match(fetched.error.message, /nope/);
  assert.match(fetched.error.message, new RegExp(basicServer.url));
});

test('a missing repository on a live server is RepositoryNotFound', async () => {
  const result = await client.listRemoteRefs(`${basicServer.baseUrl}/nope`, basic, signal());
  assert.equal(!result.ok && result.error.code, 'RepositoryNotFound');
});

test('a closed port is Unreachable, quickly', async () => {
  const started = performance.now();
  const result = await client.listRemoteRefs(await closedPortUrl(), basic, signal());
  assert.equal(!result.ok && result.error.code, 'Unreachable');
  assert.ok(performance.now() - started < 5_000);
});

test('pushTag force-moves a lightweight tag to a commit', async () => {
  const pushed = await client.pushTag(
    basicServer.url,
    basic,
    { sha: second, tag: 'cluster/prod' },
    signal(),
  );
  assert.ok(pushed.ok, !pushed.ok ? pushed.error.message : '');
  assert.equal(await repo.revParse('refs/tags/cluster/prod'), second);
  const moved = await client.pushTag(
    basicServer.url,
    basic,
    { sha: first, tag: 'cluster/prod' },
    signal(),
  );
  assert.ok(moved.ok, !moved.ok ? moved.error.message : '');
  assert.equal(await repo.revParse('refs/tags/cluster/prod'), first);
  assert.equal((await repo.git('cat-file', '-t', 'refs/tags/cluster/prod')).trim(), 'commit');
});

test('pushTag with a wrong password is Unauthorized and moves nothing', async () => {
  const wrong: GitAuth = { kind: 'basic', username: 'moor', password: 'nope-nope' };
  const pushed = await client.pushTag(
    basicServer.url,
    wrong,
    { sha: second, tag: 'cluster/dev' },
    signal(),
  );
  assert.equal(!pushed.ok && pushed.error.code, 'Unauthorized');
  await assert.rejects(repo.revParse('refs/tags/cluster/dev'));
});

test('ssh credentials for an http URL are refused before running git', async () => {
  const result = await client.listRemoteRefs(
    basicServer.url,
    { kind: 'ssh', identity: 'x', knownHosts: 'y' },
    signal(),
  );
  assert.equal(!result.ok && result.error.code, 'InvalidCredentials');
});

test('a bearer token with config syntax in it (quote, #, ;, backslash) reaches the server as it is', async () => {
  const token = 'a;b#c"d\\e';
  const server = await startHttpGitServer(repo, { bearerToken: token });
  try {
    const result = await client.listRemoteRefs(server.url, { kind: 'bearer', token }, signal());
    assert.ok(result.ok, !result.ok ? result.error.message : '');
    assert.ok(server.requests.some((r) => r.authorization === `Bearer ${token}`));
  } finally {
    await server.close();
  }
});

test('credentials with a line break are refused before git runs (no header injection)', async () => {
  const auth: GitAuth = { kind: 'bearer', token: 'tok\r\nX-Injected: 1' };
  const result = await client.listRemoteRefs(bearerServer.url, auth, signal());
  assert.ok(!result.ok);
  assert.doesNotMatch(result.error.message, /X-Injected/);
});
