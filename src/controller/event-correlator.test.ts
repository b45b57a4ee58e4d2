import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEventCorrelator, type EventWrite } from './event-correlator.ts';

const limits = { burst: 3, refillMs: 1000, updateMs: 500, maxTracked: 100 };
const namer = () => {
  let n = 0;
  return () => `ev-${++n}`;
};

test('a repeated event updates the first Event: the count grows, the first time stays', () => {
  const c = createEventCorrelator(limits);
  const name = namer();
  const writes = [0, 500, 1000].map((at) => c.observe('sync/a', 'Conflict: x', at, name));
  assert.deepEqual(writes, [
    { kind: 'create', name: 'ev-1', count: 1, firstMs: 0 },
    { kind: 'update', name: 'ev-1', count: 2, firstMs: 0 },
    { kind: 'update', name: 'ev-1', count: 3, firstMs: 0 },
  ]);
});

test('repeats are written at most once per update period, with every occurrence counted', () => {
  const c = createEventCorrelator(limits);
  const name = namer();
  const writes: (EventWrite | undefined)[] = [];
  for (let at = 0; at < 1000; at++) writes.push(c.observe('sync/a', 'same', at, name));
  assert.deepEqual(
    writes.filter((w) => w !== undefined),
    [
      { kind: 'create', name: 'ev-1', count: 1, firstMs: 0 },
      { kind: 'update', name: 'ev-1', count: 501, firstMs: 0 },
    ],
  );
  assert.deepEqual(c.observe('sync/a', 'same', 1000, name), {
    kind: 'update',
    name: 'ev-1',
    count: 1001,
    firstMs: 0,
  });
  // Repeats take nothing from the object's new Events.
  assert.equal(c.observe('sync/a', 'other', 1000, name)?.kind, 'create');
});

test('an object gets a burst of new Events, then one per refill period', () => {
  const c = createEventCorrelator(limits);
  const name = namer();
  const created = Array.from({ length: 100 }, (_, i) => c.observe('sync/a', `msg ${i}`, 0, name));
  assert.deepEqual(
    created.filter((w) => w !== undefined).map((w) => w.name),
    ['ev-1', 'ev-2', 'ev-3'],
  );
  assert.equal(c.observe('sync/a', 'later', 999, name), undefined, 'not refilled yet');
  assert.equal(c.observe('sync/a', 'later', 1000, name)?.kind, 'create');
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
  const c = createEventCorrelator({ ...limits, burst: 1, maxTracked: 2 });
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

test('a deleted object is forgotten: its series and its rate bucket, and no other object', () => {
  const c = createEventCorrelator({ ...limits, burst: 1 });
  const name = namer();
  c.observe('gone', 'gone: e1', 0, name);
  c.observe('gone', 'gone: e2', 0, name);
  c.observe('kept', 'kept: e1', 0, name);
  assert.deepEqual(c.size(), { series: 3, objects: 2 });
  c.forget((objectKey) => objectKey === 'gone');
  assert.deepEqual(c.size(), { series: 1, objects: 1 });
  // Seen again (a new object of that name): a new Event with a full bucket.
  assert.equal(c.observe('gone', 'gone: e1', 0, name)?.kind, 'create');
  assert.equal(c.observe('kept', 'kept: e1', 600, name)?.kind, 'update');
});
