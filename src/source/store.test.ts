import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { digestTree, removeIgnored } from './digest.ts';
import { createArtifactStore } from './store.ts';

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'moor-tree-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

test('the digest depends on content and paths only, and .git is left out', async () => {
  const a = await tree({ 'a.yaml': 'x: 1', 'd/b.yaml': 'y: 2' });
  const b = await tree({ 'd/b.yaml': 'y: 2', 'a.yaml': 'x: 1', '.git/HEAD': 'ref: main' });
  const c = await tree({ 'a.yaml': 'x: 2', 'd/b.yaml': 'y: 2' });
  assert.equal(await digestTree(a), await digestTree(b));
  assert.notEqual(await digestTree(a), await digestTree(c));
  assert.match(await digestTree(a), /^sha256:[0-9a-f]{64}$/);
});

test('symlinks count by their target', async () => {
  const a = await tree({ 'a.yaml': 'x: 1' });
  const b = await tree({ 'a.yaml': 'x: 1' });
  await symlink('a.yaml', join(a, 'l.yaml'));
  await symlink('other.yaml', join(b, 'l.yaml'));
  assert.notEqual(await digestTree(a), await digestTree(b));
});

test('spec.ignore patterns remove files before the digest', async () => {
  const dir = await tree({ 'app/a.yaml': '1', 'app/secret.env': '2', 'docs/x.md': '3' });
  assert.equal(await removeIgnored(dir, '*.env\ndocs/\n'), 2);
  const plain = await tree({ 'app/a.yaml': '1' });
  assert.equal(await digestTree(dir), await digestTree(plain));
});

test('the store keeps one directory per digest and collects the rest', async () => {
  const store = createArtifactStore(await mkdtemp(join(tmpdir(), 'moor-store-')));
  const s1 = await store.scratchDir('ns', 'repo');
  await writeFile(join(s1, 'a.yaml'), 'v: 1');
  const one = await store.commit('ns', 'repo', s1);
  const s2 = await store.scratchDir('ns', 'repo');
  await writeFile(join(s2, 'a.yaml'), 'v: 2');
  const two = await store.commit('ns', 'repo', s2);
  const s3 = await store.scratchDir('ns', 'repo');
  await writeFile(join(s3, 'a.yaml'), 'v: 1');
  const again = await store.commit('ns', 'repo', s3);
  assert.equal(again.dir, one.dir);
  assert.equal(await readFile(join(one.dir, 'a.yaml'), 'utf8'), 'v: 1');
  assert.equal(await store.collectGarbage('ns', 'repo', new Set([two.digest])), 1);
  assert.equal(await store.find('ns', 'repo', one.digest), undefined);
  assert.equal(await store.find('ns', 'repo', two.digest), two.dir);
});

test("the source's mirror stays while an artifact is kept and goes with the source", async () => {
  const store = createArtifactStore(await mkdtemp(join(tmpdir(), 'moor-store-')));
  const scratch = await store.scratchDir('ns', 'repo');
  await writeFile(join(scratch, 'a.yaml'), 'v: 1');
  const kept = await store.commit('ns', 'repo', scratch, `sha256:${'a'.repeat(64)}`);
  assert.equal(kept.digest, `sha256:${'a'.repeat(64)}`);
  await mkdir(join(store.mirrorDir('ns', 'repo'), 'objects'), { recursive: true });
  assert.equal(await store.collectGarbage('ns', 'repo', new Set([kept.digest])), 0);
  assert.equal(await store.find('ns', 'repo', kept.digest), kept.dir);
  assert.equal(await store.collectGarbage('ns', 'repo', new Set()), 2);
  await assert.rejects(readdir(store.mirrorDir('ns', 'repo')));
});
