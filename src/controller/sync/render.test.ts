import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParseMemo } from '../../render/index.ts';
import { forgetRendered, memoFor, type RenderCache } from './render.ts';

test('forgetRendered drops every revision of the deleted Sync and keeps the others', () => {
  const cache: RenderCache = new Map(
    [
      'sha1:a|apps|prod|team|web',
      'sha1:b|apps|prod|team|web',
      'sha1:a|apps|prod|team|web-2',
      'sha1:a|apps|prod|other|web',
    ].map((key) => [key, { objects: [], reads: [] }]),
  );
  forgetRendered(cache, 'team', 'web');
  assert.deepEqual(
    [...cache.keys()],
    ['sha1:a|apps|prod|team|web-2', 'sha1:a|apps|prod|other|web'],
  );
});

/** Memos of `files` files each, for Syncs s0, s1, … in that order (least recently rendered first). */
const memosOf = (...files: number[]): Map<string, ParseMemo> =>
  new Map(
    files.map((n, i) => [`s${i}`, new Map(Array.from({ length: n }, (_, f) => [`f${f}`, []]))]),
  );

test('memoFor keeps the memos within the file bound, dropping the least recently rendered first', () => {
  const table: {
    name: string;
    memos: Map<string, ParseMemo>;
    key: string;
    limit: number;
    kept: string[];
  }[] = [
    { name: 'within the bound', memos: memosOf(2, 2), key: 's0', limit: 4, kept: ['s1', 's0'] },
    { name: 'a new Sync', memos: memosOf(2, 2), key: 'new', limit: 4, kept: ['s0', 's1', 'new'] },
    {
      name: 'over: oldest first',
      memos: memosOf(3, 3, 3),
      key: 's2',
      limit: 6,
      kept: ['s1', 's2'],
    },
    {
      name: 'touched moves last',
      memos: memosOf(3, 3, 3),
      key: 's0',
      limit: 6,
      kept: ['s2', 's0'],
    },
    { name: 'never the Sync rendering', memos: memosOf(1, 9), key: 's1', limit: 4, kept: ['s1'] },
  ];
  for (const c of table) {
    const before = c.memos.get(c.key);
    const memo = memoFor(c.memos, c.key, c.limit);
    assert.deepEqual([...c.memos.keys()], c.kept, c.name);
    assert.equal(c.memos.get(c.key), memo, `${c.name}: the memo returned is the one kept`);
    if (before) assert.equal(memo, before, `${c.name}: a kept memo is reused, not replaced`);
  }
});
