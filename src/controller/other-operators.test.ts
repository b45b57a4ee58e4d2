import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../core/index.ts';
import { otherWriterOf, trackOtherOperators, withoutWriter } from './other-operators.ts';

const syncWith = (status: Record<string, unknown> | undefined, generation = 1): KubeObject => ({
  apiVersion: 'moor.dev/v1alpha1',
  kind: 'Sync',
  metadata: { name: 'app', namespace: 'ns', generation },
  ...(status ? { status } : {}),
});

test('a status write is another operator’s only when the status changed and names another writer', () => {
  const cases: [string, KubeObject | undefined, KubeObject, string | undefined][] = [
    ['first sight (list)', undefined, syncWith({ operator: 'b', x: 1 }), undefined],
    ['written by self', syncWith({ x: 1 }), syncWith({ operator: 'a', x: 2 }), undefined],
    [
      'written by another',
      syncWith({ operator: 'a', x: 1 }),
      syncWith({ operator: 'b', x: 2 }),
      'b',
    ],
    ['the writer alone changed', syncWith({ operator: 'a' }), syncWith({ operator: 'b' }), 'b'],
    // A spec edit (a CLI's suspend) keeps the status of a writer that may be long gone.
    [
      'spec changed only',
      syncWith({ operator: 'b', x: 1 }),
      syncWith({ operator: 'b', x: 1 }, 2),
      undefined,
    ],
    ['no writer named', syncWith({ x: 1 }), syncWith({ x: 2 }), undefined],
    ['empty writer', syncWith({ x: 1 }), syncWith({ operator: '', x: 2 }), undefined],
    ['status removed', syncWith({ operator: 'b' }), syncWith(undefined), undefined],
  ];
  for (const [name, old, obj, expected] of cases)
    assert.equal(otherWriterOf(old, obj, 'a'), expected, name);
});

test('withoutWriter compares statuses without who wrote them', () => {
  assert.deepEqual(withoutWriter({ operator: 'a', x: 1 }), { x: 1 });
  assert.deepEqual(withoutWriter({ x: 1 }), { x: 1 });
});

test('a Sync is yielded for the yield period after each write of another operator, then resumed', () => {
  let now = 0;
  const others = trackOtherOperators('a', 10_000, { now: () => new Date(now) });
  assert.equal(others.self, 'a');
  assert.equal(others.yielding('ns/app'), undefined);
  assert.equal(others.saw('ns/app', 'b'), true, 'the first write starts a yield');
  now = 4_000;
  assert.deepEqual(others.yielding('ns/app'), { other: 'b', remainingMs: 6_000 });
  assert.equal(others.yielding('ns/web'), undefined, 'other Syncs are not yielded');
  assert.equal(others.saw('ns/app', 'b'), false, 'a write during the yield extends it quietly');
  now = 13_000;
  assert.deepEqual(others.yielding('ns/app'), { other: 'b', remainingMs: 1_000 });
  now = 14_000;
  assert.equal(others.yielding('ns/app'), undefined, 'resumed once quiet for the whole period');
  assert.equal(others.saw('ns/app', 'c'), true, 'a later write starts a new yield, reported again');
  others.forget('ns/app');
  assert.equal(others.yielding('ns/app'), undefined);
});

test('with a yield period of zero (leader election) nothing is ever yielded', () => {
  const others = trackOtherOperators('a', 0, { now: () => new Date(0) });
  assert.equal(others.saw('ns/app', 'b'), false);
  assert.equal(others.yielding('ns/app'), undefined);
});
