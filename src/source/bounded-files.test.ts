import assert from 'node:assert/strict';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createBoundedFiles, createLruMap } from './bounded-files.ts';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

test('bounded files: past a bound the least recently used is removed from disk', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'moor-bounded-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const cases = [
    { name: 'by count', bounds: { maxFiles: 2, maxBytes: 1000 }, sizes: [10, 10, 10], kept: 2 },
    { name: 'by bytes', bounds: { maxFiles: 10, maxBytes: 25 }, sizes: [10, 10, 10], kept: 2 },
    { name: 'one over', bounds: { maxFiles: 10, maxBytes: 5 }, sizes: [10, 10], kept: 1 },
  ];
  for (const c of cases) {
    const files = createBoundedFiles<string>(c.bounds);
    const paths = c.sizes.map((_, i) => join(dir, `${c.name}-${i}`));
    for (const [i, size] of c.sizes.entries()) {
      const path = paths[i] ?? '';
      await writeFile(path, 'x'.repeat(size));
      // The first stays the most recently used when it is read before the last is added.
      if (i === c.sizes.length - 1 && c.kept > 1) files.get('f0');
      await files.set(`f${i}`, path, { path, bytes: size });
    }
    assert.equal(files.size, c.kept, c.name);
    const last = paths.at(-1) ?? '';
    assert.ok(await exists(last), `${c.name}: the newest is kept`);
    if (c.kept > 1) {
      assert.ok(await exists(paths[0] ?? ''), `${c.name}: the one read is kept`);
      assert.ok(!(await exists(paths[1] ?? '')), `${c.name}: the least recently used is removed`);
      assert.equal(files.get('f1'), undefined, c.name);
    } else {
      assert.ok(!(await exists(paths[0] ?? '')), c.name);
    }
  }
});

test('LRU map: forgets the least recently used past its size', () => {
  const map = createLruMap<number>(2);
  map.set('a', 1);
  map.set('b', 2);
  assert.equal(map.get('a'), 1);
  map.set('c', 3);
  assert.equal(map.size, 2);
  assert.equal(map.get('b'), undefined);
  assert.equal(map.get('a'), 1);
  assert.equal(map.get('c'), 3);
});
