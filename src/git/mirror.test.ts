// Persistent mirrors against real remotes: incremental fetches, rewritten history, recovery from a
// corrupt mirror, changed paths, partial checkouts, and no credentials left on disk.
import assert from 'node:assert/strict';
import {
  lstat,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  createTestRepo,
  fileUrl,
  startHttpGitServer,
  type TestRepo,
} from '../../test/helpers/git-server.ts';
import { createGitClient, type GitAuth, type MirrorFetch } from './index.ts';

const none: GitAuth = { kind: 'none' };
const signal = (): AbortSignal => AbortSignal.timeout(20_000);
const client = createGitClient({ env: process.env, timeoutMs: 20_000, allowFileUrls: true });

let workDir: string;
before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'moor-mirror-test-'));
});
after(() => rm(workDir, { recursive: true, force: true }));

let counter = 0;
const freshDir = (name: string): string => join(workDir, `${name}-${++counter}`);

async function fetchMain(
  repo: TestRepo,
  mirrorDir: string,
  extra: { previous?: string; fresh?: boolean } = {},
): Promise<MirrorFetch> {
  const fetched = await client.fetchToMirror(
    fileUrl(repo),
    none,
    { ref: 'refs/heads/main', mirrorDir, ...extra },
    signal(),
  );
  assert.ok(fetched.ok, !fetched.ok ? fetched.error.message : '');
  return fetched.value;
}

async function checkout(mirrorDir: string, sha: string): Promise<string> {
  const destDir = freshDir('tree');
  const done = await client.checkoutFromMirror({ mirrorDir, sha, destDir }, signal());
  assert.ok(done.ok, !done.ok ? done.error.message : '');
  return destDir;
}

/** Every file under `dir` (objects included), recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

test('a mirror is created on the first fetch and then fetches only the new commit', async (t) => {
  const repo = await createTestRepo({ files: { 'a.yaml': 'a: 1\n', 'd/b.yaml': 'b: 1\n' } });
  t.after(() => repo.close());
  const mirrorDir = freshDir('mirror');
  const first = await fetchMain(repo, mirrorDir);
  assert.equal(first.created, true);
  assert.equal(first.sha, await repo.revParse('HEAD'));
  assert.equal(first.tree, await repo.revParse('HEAD^{tree}'));
  assert.equal(first.previous, undefined);
  const objectsBefore = (await filesUnder(join(mirrorDir, 'objects'))).length;

  const second = await repo.commit({ 'd/b.yaml': 'b: 2\n', 'c.yaml': 'c: 1\n', 'a.yaml': null });
  const fetched = await fetchMain(repo, mirrorDir, { previous: first.sha });
  assert.equal(fetched.created, false);
  assert.equal(fetched.sha, second);
  assert.deepEqual(fetched.previous, {
    sha: first.sha,
    tree: first.tree,
    changedPaths: ['a.yaml', 'c.yaml', 'd/b.yaml'],
    deletedPaths: ['a.yaml'],
  });
  // Only the new commit's objects came: commit, root tree, d/ tree and two blobs.
  const added = (await filesUnder(join(mirrorDir, 'objects'))).length - objectsBefore;
  assert.ok(added <= 6, `${added} new files in the mirror's objects`);

  const dir = await checkout(mirrorDir, second);
  assert.deepEqual((await readdir(dir)).sort(), ['c.yaml', 'd']);
  assert.equal(await readFile(join(dir, 'd/b.yaml'), 'utf8'), 'b: 2\n');

  // Nothing new: the same commit, no change listed.
  const again = await fetchMain(repo, mirrorDir, { previous: second });
  assert.equal(again.sha, second);
  assert.deepEqual(again.previous?.changedPaths, []);
});

test('a force-pushed branch (rewritten history) is fetched as it now is', async (t) => {
  const repo = await createTestRepo({ files: { 'a.yaml': 'a: 1\n' } });
  t.after(() => repo.close());
  const mirrorDir = freshDir('mirror');
  const old = await repo.commit({ 'a.yaml': 'a: 2\n' });
  await fetchMain(repo, mirrorDir);
  await repo.git('reset', '-q', '--hard', 'HEAD~1');
  const rewritten = await repo.commit({ 'a.yaml': 'a: 3\n', 'b.yaml': 'b: 1\n' }, 'rewritten');
  const fetched = await fetchMain(repo, mirrorDir, { previous: old });
  assert.equal(fetched.sha, rewritten);
  // The author and subject are the fetched commit's, not the one fetched before.
  assert.equal(fetched.commit?.subject, 'rewritten');
  assert.match(fetched.commit?.author ?? '', /<.+@.+>/);
  assert.deepEqual(fetched.previous?.changedPaths, ['a.yaml', 'b.yaml']);
  const dir = await checkout(mirrorDir, rewritten);
  assert.equal(await readFile(join(dir, 'a.yaml'), 'utf8'), 'a: 3\n');
});

test('a mirror git cannot open is recreated', async (t) => {
  const repo = await createTestRepo({ files: { 'a.yaml': 'a: 1\n' } });
  t.after(() => repo.close());
  const mirrorDir = freshDir('mirror');
  await fetchMain(repo, mirrorDir);
  await writeFile(join(mirrorDir, 'HEAD'), 'garbage');
  const head = await repo.commit({ 'a.yaml': 'a: 2\n' });
  const fetched = await fetchMain(repo, mirrorDir);
  assert.equal(fetched.created, true);
  assert.equal(fetched.sha, head);
  // A stale lock (a fetch killed half-way) makes git fail: recreated too.
  await writeFile(join(mirrorDir, 'shallow.lock'), '');
  const next = await repo.commit({ 'a.yaml': 'a: 3\n' });
  const recovered = await fetchMain(repo, mirrorDir);
  assert.equal(recovered.sha, next);
  assert.equal(recovered.created, true);
});

test('a mirror whose objects are corrupt fails the checkout, and a fresh fetch repairs it', async (t) => {
  const repo = await createTestRepo({ files: { 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' } });
  t.after(() => repo.close());
  const mirrorDir = freshDir('mirror');
  const first = await fetchMain(repo, mirrorDir);
  for (const file of await filesUnder(join(mirrorDir, 'objects'))) {
    if (/\/objects\/(pack\/|[0-9a-f]{2}\/)/.test(file)) await truncate(file, 0);
  }
  const failed = await client.checkoutFromMirror(
    { mirrorDir, sha: first.sha, destDir: freshDir('tree') },
    signal(),
  );
  assert.equal(!failed.ok && failed.error.code, 'Failed');
  const repaired = await fetchMain(repo, mirrorDir, { fresh: true });
  assert.equal(repaired.created, true);
  const dir = await checkout(mirrorDir, repaired.sha);
  assert.equal(await readFile(join(dir, 'b.yaml'), 'utf8'), 'b: 1\n');
});

test('a partial checkout writes only the given paths, symlinks as symlinks', async (t) => {
  const repo = await createTestRepo({ files: { 'a.yaml': 'a: 1\n', 'd/b.yaml': 'b: 1\n' } });
  t.after(() => repo.close());
  await repo.git('config', 'core.symlinks', 'true');
  const { symlink } = await import('node:fs/promises');
  await symlink('a.yaml', join(repo.dir, 'link.yaml'));
  const head = await repo.commit({});
  const mirrorDir = freshDir('mirror');
  await fetchMain(repo, mirrorDir);
  const destDir = freshDir('tree');
  const done = await client.checkoutFromMirror(
    { mirrorDir, sha: head, destDir, paths: ['d/b.yaml', 'link.yaml'] },
    signal(),
  );
  assert.ok(done.ok, !done.ok ? done.error.message : '');
  assert.deepEqual((await readdir(destDir)).sort(), ['d', 'link.yaml']);
  assert.ok((await lstat(join(destDir, 'link.yaml'))).isSymbolicLink());
  assert.equal(await readlink(join(destDir, 'link.yaml')), 'a.yaml');
  assert.equal(await readFile(join(destDir, 'd/b.yaml'), 'utf8'), 'b: 1\n');
});

test('over HTTP with basic auth, the mirror keeps no URL or credential on disk', async (t) => {
  const repo = await createTestRepo({ files: { 'a.yaml': 'a: 1\n' } });
  t.after(() => repo.close());
  const auth: GitAuth = { kind: 'basic', username: 'moor', password: 'mirror-s3cret' };
  const server = await startHttpGitServer(repo, { basic: auth });
  t.after(() => server.close());
  const mirrorDir = freshDir('mirror');
  const target = { ref: 'refs/heads/main', mirrorDir };
  const first = await client.fetchToMirror(server.url, auth, target, signal());
  assert.ok(first.ok, !first.ok ? first.error.message : '');
  const head = await repo.commit({ 'a.yaml': 'a: 2\n' });
  const second = await client.fetchToMirror(
    server.url,
    auth,
    { ...target, previous: first.value.sha },
    signal(),
  );
  assert.ok(second.ok, !second.ok ? second.error.message : '');
  assert.equal(second.value.sha, head);
  assert.equal(second.value.created, false);
  const encoded = Buffer.from('moor:mirror-s3cret').toString('base64');
  for (const file of await filesUnder(mirrorDir)) {
    const text = (await readFile(file)).toString('latin1');
    for (const secret of ['mirror-s3cret', encoded, server.baseUrl]) {
      assert.ok(!text.includes(secret), `${file} holds ${secret}`);
    }
  }
  // A wrong password is the remote's refusal: reported, and the mirror is kept.
  const wrong: GitAuth = { kind: 'basic', username: 'moor', password: 'not-it' };
  const refused = await client.fetchToMirror(server.url, wrong, target, signal());
  assert.equal(!refused.ok && refused.error.code, 'Unauthorized');
  const kept = await client.fetchToMirror(server.url, auth, target, signal());
  assert.equal(kept.ok && kept.value.created, false);
});

test('a missing branch is RefNotFound, and an expected commit that is not there too', async (t) => {
  const repo = await createTestRepo({ files: { 'a.yaml': 'a: 1\n' } });
  t.after(() => repo.close());
  const mirrorDir = freshDir('mirror');
  const missing = await client.fetchToMirror(
    fileUrl(repo),
    none,
    { ref: 'refs/heads/nope', mirrorDir },
    signal(),
  );
  assert.equal(!missing.ok && missing.error.code, 'RefNotFound');
  const moved = await client.fetchToMirror(
    fileUrl(repo),
    none,
    { ref: 'refs/heads/main', sha: '0'.repeat(40), mirrorDir },
    signal(),
  );
  assert.equal(!moved.ok && moved.error.code, 'RefNotFound');
});

test('a commit is fetched by its sha, an annotated tag peeled to its commit', async (t) => {
  const repo = await createTestRepo({ files: { 'a.yaml': 'a: 1\n' } });
  t.after(() => repo.close());
  const pinned = await repo.revParse('HEAD');
  await repo.tag('v1.0.0', { message: 'release' });
  await repo.commit({ 'a.yaml': 'a: 2\n' });
  const byCommit = await client.fetchToMirror(
    fileUrl(repo),
    none,
    { ref: pinned, sha: pinned, mirrorDir: freshDir('mirror') },
    signal(),
  );
  assert.equal(byCommit.ok && byCommit.value.sha, pinned);
  const byTag = await client.fetchToMirror(
    fileUrl(repo),
    none,
    { ref: 'refs/tags/v1.0.0', mirrorDir: freshDir('mirror') },
    signal(),
  );
  assert.ok(byTag.ok, !byTag.ok ? byTag.error.message : '');
  assert.equal(byTag.value.sha, pinned);
  assert.equal(byTag.value.tree, await repo.revParse('v1.0.0^{tree}'));
});
