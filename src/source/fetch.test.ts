// fetchArtifact with a real git and store over file://: digests from git's tree, artifacts that
// share unchanged files and stay immutable, ignore rules, changed paths, a corrupt mirror.
import assert from 'node:assert/strict';
import {
  lstat,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  truncate,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { createTestRepo, fileUrl, type TestRepo } from '../../test/helpers/git-server.ts';
import type { GitRepositorySpec } from '../api/index.ts';
import { createGitClient } from '../git/index.ts';
import { createArtifactStore, fetchArtifact, type StoredArtifact } from './index.ts';

const git = createGitClient({ env: process.env, timeoutMs: 20_000, allowFileUrls: true });

type Source = {
  readonly repo: TestRepo;
  readonly storeRoot: string;
  fetch(ignore?: string): Promise<StoredArtifact>;
};

/** A repository and a store; `fetch` runs fetchArtifact with the last artifact as current. */
async function source(
  t: { after(fn: () => Promise<void>): void },
  files: Record<string, string>,
): Promise<Source> {
  const repo = await createTestRepo({ files });
  const storeRoot = await mkdtemp(join(tmpdir(), 'moor-fetch-test-'));
  t.after(async () => {
    await repo.close();
    await rm(storeRoot, { recursive: true, force: true });
  });
  const store = createArtifactStore(storeRoot);
  let current: StoredArtifact | undefined;
  return {
    repo,
    storeRoot,
    async fetch(ignore) {
      const spec = {
        url: fileUrl(repo),
        ref: { branch: 'main' },
        interval: '1m',
        timeout: '60s',
        suspend: false,
        ...(ignore === undefined ? {} : { ignore }),
      };
      const fetched = await fetchArtifact(
        { namespace: 'ns', name: 'src', spec, current },
        {
          git,
          store,
          allowFileUrls: true,
          readSecret: () => Promise.resolve(undefined),
          signal: AbortSignal.timeout(20_000),
        },
      );
      assert.ok(fetched.ok, !fetched.ok ? fetched.error.message : '');
      current = fetched.value.artifact;
      return current;
    },
  };
}

/** The files (not directories) under `dir`, relative and sorted. */
async function filesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

test('the digest follows the tree: the same for an empty commit, new for a changed file', async (t) => {
  const src = await source(t, { 'a.yaml': 'a: 1\n', 'd/b.yaml': 'b: 1\n' });
  const first = await src.fetch();
  assert.match(first.digest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(first.changes, undefined);

  const empty = await src.repo.commit({}, 'empty');
  const same = await src.fetch();
  assert.equal(same.revision, `main@sha1:${empty}`);
  assert.equal(same.digest, first.digest);
  assert.equal(same.dir, first.dir);
  assert.deepEqual(same.changes, { since: first.revision, paths: [] });

  await src.repo.commit({ 'd/b.yaml': 'b: 2\n' });
  const changed = await src.fetch();
  assert.notEqual(changed.digest, first.digest);
  assert.deepEqual(changed.changes, { since: same.revision, paths: ['d/b.yaml'] });
  assert.equal(await readFile(join(changed.dir, 'd/b.yaml'), 'utf8'), 'b: 2\n');

  // Back to the first content: the first digest again.
  await src.repo.commit({ 'd/b.yaml': 'b: 1\n' });
  assert.equal((await src.fetch()).digest, first.digest);
});

test('a new artifact shares unchanged files and leaves the previous one as it was', async (t) => {
  // Enough files that sharing pays (a handful are checked out in full).
  const filler = Object.fromEntries(
    Array.from({ length: 70 }, (_, i) => [`fill/f-${i}.yaml`, `i: ${i}\n`]),
  );
  const files = { 'a.yaml': 'a: 1\n', 'd/b.yaml': 'b: 1\n', 'd/c.yaml': 'c: 1\n', ...filler };
  const src = await source(t, files);
  await symlink('a.yaml', join(src.repo.dir, 'link.yaml'));
  await src.repo.commit({});
  const first = await src.fetch();
  await src.repo.commit({ 'd/b.yaml': 'b: 2\n', 'd/c.yaml': null, 'e/new.yaml': 'n: 1\n' });
  const second = await src.fetch();
  assert.deepEqual(second.changes?.paths, ['d/b.yaml', 'd/c.yaml', 'e/new.yaml']);

  const inode = async (dir: string, path: string) => (await lstat(join(dir, path))).ino;
  assert.equal(await inode(second.dir, 'a.yaml'), await inode(first.dir, 'a.yaml'));
  assert.notEqual(await inode(second.dir, 'd/b.yaml'), await inode(first.dir, 'd/b.yaml'));
  assert.equal(await readlink(join(second.dir, 'link.yaml')), 'a.yaml');
  assert.deepEqual((await readdir(second.dir)).sort(), ['a.yaml', 'd', 'e', 'fill', 'link.yaml']);
  assert.equal(await inode(second.dir, 'fill/f-7.yaml'), await inode(first.dir, 'fill/f-7.yaml'));
  assert.deepEqual(await readdir(join(second.dir, 'd')), ['b.yaml']);
  assert.equal(await readFile(join(second.dir, 'e/new.yaml'), 'utf8'), 'n: 1\n');
  // The previous artifact is untouched.
  assert.equal(await readFile(join(first.dir, 'd/b.yaml'), 'utf8'), 'b: 1\n');
  assert.equal(await readFile(join(first.dir, 'd/c.yaml'), 'utf8'), 'c: 1\n');
});

test('spec.ignore leaves files out; ignored changes are not listed; new rules, new digest', async (t) => {
  const src = await source(t, {
    'app/a.yaml': 'a: 1\n',
    'app/x.env': 'SECRET=1\n',
    'docs/r.md': '#\n',
  });
  const rules = '*.env\ndocs/\n';
  const first = await src.fetch(rules);
  assert.deepEqual(await filesIn(first.dir), ['app/a.yaml']);

  await src.repo.commit({ 'app/x.env': 'SECRET=2\n', 'docs/r.md': '# 2\n' });
  const ignoredOnly = await src.fetch(rules);
  assert.deepEqual(ignoredOnly.changes?.paths, []);
  assert.deepEqual(await filesIn(ignoredOnly.dir), ['app/a.yaml']);

  await src.repo.commit({ 'app/a.yaml': 'a: 2\n', 'app/y.env': 'NEW=1\n' });
  const both = await src.fetch(rules);
  assert.deepEqual(both.changes?.paths, ['app/a.yaml']);
  assert.deepEqual(await filesIn(both.dir), ['app/a.yaml']);
  assert.equal(await readFile(join(both.dir, 'app/a.yaml'), 'utf8'), 'a: 2\n');

  // Other rules for the same tree: another digest, the files they keep, changes unknown.
  const fewer = await src.fetch('docs/\n');
  assert.notEqual(fewer.digest, both.digest);
  assert.equal(fewer.changes, undefined);
  assert.deepEqual(await filesIn(fewer.dir), ['app/a.yaml', 'app/x.env', 'app/y.env']);
});

test('a mirror with corrupt objects is fetched again and the artifact still made', async (t) => {
  const src = await source(t, { 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' });
  await src.fetch();
  const objects = join(src.storeRoot, 'ns', 'src', '.mirror.git', 'objects');
  const entries = await readdir(objects, { recursive: true, withFileTypes: true });
  for (const e of entries) if (e.isFile()) await truncate(join(e.parentPath, e.name), 0);
  await src.repo.commit({ 'c.yaml': 'c: 1\n' });
  const next = await src.fetch();
  assert.equal(next.revision, `main@sha1:${await src.repo.revParse('HEAD')}`);
  assert.deepEqual((await readdir(next.dir)).sort(), ['a.yaml', 'b.yaml', 'c.yaml']);
  assert.equal(await readFile(join(next.dir, 'b.yaml'), 'utf8'), 'b: 1\n');
});

test('a failed fetch keeps the code of what failed, and its message names the GitRepository', async (t) => {
  const repo = await createTestRepo({ files: { 'cm.yaml': 'a: 1\n' } });
  const storeRoot = await mkdtemp(join(tmpdir(), 'moor-fetch-test-'));
  t.after(async () => {
    await repo.close();
    await rm(storeRoot, { recursive: true, force: true });
  });
  const base = { url: fileUrl(repo), ref: { branch: 'main' }, interval: '1m', timeout: '60s' };
  const creds = { username: 'u', password: 'p' };
  const table: [spec: Partial<GitRepositorySpec>, allowFileUrls: boolean, code: string][] = [
    [{ ref: { branch: 'nope' } }, true, 'RefNotFound'],
    [{}, false, 'FileUrlsDisabled'],
    [{ url: 'not a url' }, true, 'InvalidUrl'],
    [{ secretRef: { name: 'gone' } }, true, 'SecretNotFound'],
    [{ url: 'ssh://git@127.0.0.1:1/r.git', secretRef: { name: 'creds' } }, true, 'SecretInvalid'],
  ];
  for (const [spec, allowFileUrls, code] of table) {
    const fetched = await fetchArtifact(
      { namespace: 'ns', name: 'src', spec: { ...base, suspend: false, ...spec } },
      {
        git,
        store: createArtifactStore(storeRoot),
        allowFileUrls,
        readSecret: (_ns, name) => Promise.resolve(name === 'creds' ? creds : undefined),
        signal: AbortSignal.timeout(30_000),
      },
    );
    assert.ok(!fetched.ok, code);
    assert.equal(fetched.error.code, code);
    assert.match(fetched.error.message, /^GitRepository\/ns\/src: /, code);
  }
});
