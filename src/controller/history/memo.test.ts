import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../core/index.ts';
import { createHistoryMemo } from './memo.ts';

const history = (name: string, ring: string, resourceVersion = '1'): KubeObject => ({
  apiVersion: 'moor.dev/v1alpha1',
  kind: 'SyncHistory',
  metadata: {
    name,
    namespace: 'apps',
    resourceVersion,
    managedFields: [{ manager: 'moor', operation: 'Update' }],
  },
  spec: { syncName: name, records: 1, ring },
});

test('history memo: an entry is taken once, without its managedFields', () => {
  const memo = createHistoryMemo();
  memo.keep('apps/a', history('a', 'AAAA', '7'));
  const taken = memo.take('apps/a');
  assert.equal(taken?.metadata.resourceVersion, '7');
  assert.equal(taken.metadata.managedFields, undefined);
  assert.deepEqual(taken.spec, { syncName: 'a', records: 1, ring: 'AAAA' });
  assert.equal(memo.take('apps/a'), undefined, 'taken: a second writer must read it');
  assert.equal(memo.size, 0);
});

test('history memo: bounded in bytes, the least recently written go first', () => {
  const cases: {
    name: string;
    limit: number;
    keep: readonly [string, number][];
    left: string[];
  }[] = [
    {
      name: 'all fit',
      limit: 10_000,
      keep: [
        ['a', 100],
        ['b', 100],
      ],
      left: ['a', 'b'],
    },
    {
      name: 'the oldest goes',
      limit: 1_300,
      keep: [
        ['a', 100],
        ['b', 100],
        ['c', 100],
      ],
      left: ['b', 'c'],
    },
    {
      name: 'written again: newest',
      limit: 1_300,
      keep: [
        ['a', 100],
        ['b', 100],
        ['a', 100],
        ['c', 100],
      ],
      left: ['a', 'c'],
    },
    { name: 'too big for the bound: not kept', limit: 1_000, keep: [['a', 2_000]], left: [] },
    {
      name: 'a big one evicts several',
      limit: 2_000,
      keep: [
        ['a', 10],
        ['b', 10],
        ['c', 10],
        ['d', 1_400],
      ],
      left: ['d'],
    },
  ];
  for (const c of cases) {
    const memo = createHistoryMemo(c.limit);
    for (const [name, size] of c.keep) memo.keep(`apps/${name}`, history(name, 'x'.repeat(size)));
    const left = ['a', 'b', 'c', 'd'].filter((n) => memo.take(`apps/${n}`) !== undefined);
    assert.deepEqual(left, c.left, c.name);
  }
});

test('history memo: forget drops the entry and its bytes', () => {
  const memo = createHistoryMemo(1_200);
  memo.keep('apps/a', history('a', 'x'.repeat(600)));
  memo.forget('apps/a');
  memo.forget('apps/none');
  assert.equal(memo.size, 0);
  memo.keep('apps/b', history('b', 'x'.repeat(600)));
  assert.equal(memo.size, 1, 'the forgotten bytes no longer count');
});
