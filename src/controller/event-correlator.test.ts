import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEventCorrelator, type EventWrite } from './event-correlator.ts';

const limits = { burst: 3, refillMs: 1000, maxTracked: 100 };
const namer = () => {
  let n = 0;
  return () => `ev-${++n}`;
};

test('a repeated event updates the first Event: the count grows, the first time stays', () => {
  const c = createEventCorrelator(limits);
  const name = namer();
  const writes = [0, 10, 20].map((at) => c.observe('sync/a', 'Conflict: x', at, name));
  assert.deepEqual(writes, [
    { kind: 'create', name: 'ev-1', count: 1, firstMs: 0 },
    { kind: 'update', name: 'ev-1', count: 2, firstMs: 0 },
    { kind: 'update', name: 'ev-1', count: 3, firstMs: 0 },
  ]);
});

test('an object gets a burst of writes, then one per refill period; refused repeats still count', () => {
  const c = createEventCorrelator(limits);
  const name = namer();
  const writes: (EventWrite | undefined)[] = [];
  for (let i = 0; i < 10; i++) writes.push(c.observe('sync/a', 'same', 0, name));
  assert.equal(writes.filter((w) => w !== undefined).length, limits.burst);
  assert.equal(c.observe('sync/a', 'same', 999, name), undefined, 'not refilled yet');
  assert.deepEqual(c.observe('sync/a', 'same', 1000, name), {
    kind: 'update',
    name: 'ev-1',
    count: 12,
    firstMs: 0,
  });
  assert.equal(c.observe('sync/a', 'same', 1000, name), undefined);
});

test('distinct messages are distinct Events, under the same per-object limit', () => {
  const c = createEventCorrelator(limits);
  const name = namer();
  const created = Array.from({ length: 100 }, (_, i) => c.observe('sync/a', `msg ${i}`, 0, name));
  assert.deepEqual(
    created.filter((w) => w !== undefined).map((w) => w.name),
    ['ev-1', 'ev-2', 'ev-3'],
  );
  // Another object has a bucket of its own.
  assert.equal(c.observe('sync/b', 'b: msg 0', 0, name)?.kind, 'create');
});

test('a refused first occurrence is created later with the count so far', () => {
  const c = createEventCorrelator({ ...limits, burst: 1 });
  const name = namer();
  assert.equal(c.observe('sync/a', 'one', 0, name)?.kind, 'create');
  assert.equal(c.observe('sync/a', 'two', 1, name), undefined);
  assert.equal(c.observe('sync/a', 'two', 2, name), undefined);
  assert.deepEqual(c.observe('sync/a', 'two', 1002, name), {
    kind: 'create',
    name: 'ev-2',
    count: 3,
    firstMs: 1,
  });
});

test('memory stays bounded: the least recently seen events and objects are forgotten', () => {
  const c = createEventCorrelator({ burst: 1, refillMs: 1000, maxTracked: 2 });
  const name = namer();
  c.observe('o1', 'e1', 0, name);
  c.observe('o2', 'e2', 0, name);
  c.observe('o3', 'e3', 0, name);
  // o1 and e1 were forgotten: a full bucket and a new Event again.
  assert.deepEqual(c.observe('o1', 'e1', 0, name), {
    kind: 'create',
    name: 'ev-4',
    count: 1,
    firstMs: 0,
  });
});
