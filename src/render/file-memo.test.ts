import assert from 'node:assert/strict';
import { link, mkdir, mkdtemp, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import {
  FILE_MEMO_MIN_FILES,
  fileMemoRound,
  identityOf,
  type FileMemo,
  type FileStats,
} from './file-memo.ts';
import { loadManifestFiles } from './load.ts';

const signal = AbortSignal.timeout(60_000);
const COUNT = FILE_MEMO_MIN_FILES + 6;
const cm = (name: string, v: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  v: "${v}"\n`;

/**
 * Artifacts made as the source makes them: each from the one before, its unchanged files hard
 * links (symlinks made again), the changed ones written (null: deleted).
 */
async function artifacts(t: { after: (fn: () => Promise<void>) => void }) {
  const root = await mkdtemp(join(tmpdir(), 'moor-file-memo-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  let n = 0;
  let previous: string | undefined;
  return async (changes: Record<string, string | { link: string } | null>): Promise<string> => {
    const dir = join(root, `a${n++}`);
    await mkdir(dir);
    const entries = previous
      ? await readdir(previous, { recursive: true, withFileTypes: true })
      : [];
    for (const e of entries) {
      const from = join(e.parentPath, e.name);
      const rel = relative(previous ?? '', from);
      if (e.isDirectory() || rel in changes) continue;
      await mkdir(dirname(join(dir, rel)), { recursive: true });
      if (e.isSymbolicLink()) {
        await symlink(await readlink(from), join(dir, rel));
      } else await link(from, join(dir, rel));
    }
    for (const [rel, content] of Object.entries(changes)) {
      if (content === null) continue;
      await mkdir(dirname(join(dir, rel)), { recursive: true });
      if (typeof content === 'string') await writeFile(join(dir, rel), content);
      else await symlink(content.link, join(dir, rel));
    }
    previous = dir;
    return dir;
  };
}

async function loadBoth(dir: string, memo: FileMemo) {
  const full = await loadManifestFiles(dir, 'app', signal);
  const remembered = await loadManifestFiles(dir, 'app', signal, { files: memo });
  assert.ok(full.ok && remembered.ok);
  assert.deepEqual(remembered.value, full.value, `in ${dir}`);
  return remembered.value;
}

test('a load with the memo returns what a full load does: changed, renamed, deleted files, a symlink and its target', async (t) => {
  const next = await artifacts(t);
  const first: Record<string, string> = { 'lib/a.yaml': cm('linked', 'a') };
  for (let i = 0; i < COUNT; i++) first[`app/cm-${i}.yaml`] = cm(`cm-${i}`, '0');
  const memo: FileMemo = new Map();
  await loadBoth(await next(first), memo);
  assert.equal(memo.size, COUNT, 'the memo holds every file of a load this large');

  const steps: Record<string, string | { link: string } | null>[] = [
    { 'app/cm-1.yaml': cm('cm-1', '1') },
    { 'app/cm-2.yaml': null, 'app/renamed.yaml': cm('cm-2', '0'), 'app/cm-3.yaml': null },
    { 'app/linked.yaml': { link: '../lib/a.yaml' } },
    { 'lib/a.yaml': cm('linked', 'a2') },
    { 'lib/b.yaml': cm('linked', 'b'), 'app/linked.yaml': { link: '../lib/b.yaml' } },
    // The same text under two paths: both loaded (parsing reports the duplicate).
    { 'app/copy.yaml': cm('cm-4', '0') },
  ];
  for (const step of steps) await loadBoth(await next(step), memo);
  const last = await loadManifestFiles(await next({}), 'app', signal, { files: memo });
  assert.ok(last.ok);
  const byPath = new Map(last.value.map((f) => [f.path, f.content]));
  assert.equal(byPath.get('app/cm-1.yaml'), cm('cm-1', '1'));
  assert.equal(byPath.get('app/linked.yaml'), cm('linked', 'b'));
  assert.equal(byPath.get('app/copy.yaml'), byPath.get('app/cm-4.yaml'));
  assert.ok(!byPath.has('app/cm-2.yaml') && !byPath.has('app/cm-3.yaml'));
  assert.ok(!memo.has('app/cm-3.yaml'), 'a deleted file leaves the memo');
});

test('a file shared with the artifact before (same inode, size and modification time) is not read again; one rewritten is', async (t) => {
  const next = await artifacts(t);
  const first: Record<string, string> = {};
  for (let i = 0; i < COUNT; i++) first[`app/cm-${i}.yaml`] = cm(`cm-${i}`, '0');
  const memo: FileMemo = new Map();
  await loadManifestFiles(await next(first), 'app', signal, { files: memo });
  // What the memo says of a file is used as it is: marked, the mark comes back.
  const known = memo.get('app/cm-0.yaml');
  assert.ok(known);
  memo.set('app/cm-0.yaml', { ...known, content: 'marked' });
  const shared = await next({});
  const again = await loadManifestFiles(shared, 'app', signal, { files: memo });
  assert.ok(again.ok);
  assert.equal(again.value.find((f) => f.path === 'app/cm-0.yaml')?.content, 'marked');
  // Written in place (same inode, new times and text): read again.
  await writeFile(join(shared, 'app/cm-0.yaml'), cm('cm-0', 'rewritten'));
  const rewritten = await loadManifestFiles(shared, 'app', signal, { files: memo });
  assert.ok(rewritten.ok);
  assert.equal(
    rewritten.value.find((f) => f.path === 'app/cm-0.yaml')?.content,
    cm('cm-0', 'rewritten'),
  );
});

const stats = (over: Partial<FileStats> = {}): FileStats => ({
  dev: 1n,
  ino: 2n,
  size: 3n,
  mtimeNs: 1_700_000_000_123_456_789n,
  ...over,
});

test('identityOf: device, inode, size and modification time count; a whole-second time identifies nothing', () => {
  const base = identityOf(stats());
  assert.ok(base);
  for (const over of [
    { dev: 9n },
    { ino: 9n },
    { size: 9n },
    { mtimeNs: 1_700_000_000_123_456_788n },
  ])
    assert.notEqual(
      identityOf(stats(over)),
      base,
      JSON.stringify(over, (_, v: unknown) => String(v)),
    );
  assert.equal(identityOf(stats({ mtimeNs: 1_700_000_000_000_000_000n })), undefined);
});

test('fileMemoRound keeps nothing for a small load, or when a file has no identity', () => {
  const memo: FileMemo = new Map();
  const small = fileMemoRound(memo);
  for (let i = 0; i < FILE_MEMO_MIN_FILES - 1; i++) small.keep(`f${i}`, `id${i}`, 'x');
  small.finish();
  assert.equal(memo.size, 0);
  const large = fileMemoRound(memo);
  for (let i = 0; i < FILE_MEMO_MIN_FILES; i++) large.keep(`f${i}`, `id${i}`, 'x');
  large.finish();
  assert.equal(memo.size, FILE_MEMO_MIN_FILES);
  const unknown = fileMemoRound(memo);
  for (let i = 0; i < FILE_MEMO_MIN_FILES; i++)
    unknown.keep(`f${i}`, i === 0 ? undefined : `id${i}`, 'x');
  unknown.finish();
  assert.equal(memo.size, 0);
  const round = fileMemoRound(new Map([['f', { identity: 'a', content: 'x' }]]));
  assert.equal(round.recall('f', 'b'), undefined, 'another identity');
  assert.equal(round.recall('f', undefined), undefined, 'no identity');
  assert.equal(round.recall('g', 'a'), undefined, 'another path');
  assert.equal(round.recall('f', 'a'), 'x');
});
