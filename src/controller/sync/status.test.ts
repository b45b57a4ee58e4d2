import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChangeCounts } from '../../plan/index.ts';
import { appendHistory, mergeInventories, sameInventory } from './status.ts';

const counts = (c: Partial<ChangeCounts>): ChangeCounts => ({
  created: 0,
  configured: 0,
  unchanged: 0,
  deleted: 0,
  skipped: 0,
  failed: 0,
  ...c,
});
const entry = (revision: string, result: string, message: string) => ({
  revision,
  result,
  message,
  startedAt: '2026-01-01T00:00:00Z',
  created: 0,
  configured: 0,
  deleted: 0,
});

test('history grows on a new revision, a change or a new result, and not on a quiet reconcile', () => {
  const first = appendHistory(
    [],
    entry('main@sha1:a', 'Succeeded', '3 created'),
    counts({ created: 3 }),
  );
  assert.equal(first.length, 1);
  const quiet = appendHistory(
    first,
    entry('main@sha1:a', 'Succeeded', '3 unchanged'),
    counts({ unchanged: 3 }),
  );
  assert.deepEqual(quiet, first);
  const drift = appendHistory(
    first,
    entry('main@sha1:a', 'Succeeded', '1 configured'),
    counts({ configured: 1 }),
  );
  assert.equal(drift.length, 2);
  const failed = appendHistory(first, entry('main@sha1:a', 'Failed', 'x'), counts({ failed: 1 }));
  assert.equal(failed.length, 2);
  const next = appendHistory(
    first,
    entry('main@sha1:b', 'Succeeded', '3 unchanged'),
    counts({ unchanged: 3 }),
  );
  assert.equal(next[0]?.revision, 'main@sha1:b');
});

test('history keeps the newest ten', () => {
  let history = appendHistory([], entry('r0', 'Succeeded', ''), counts({ created: 1 }));
  for (let i = 1; i < 15; i++)
    history = appendHistory(history, entry(`r${i}`, 'Succeeded', ''), counts({}));
  assert.equal(history.length, 10);
  assert.equal(history[0]?.revision, 'r14');
});

test('inventories merge without duplicates, in a stable order', () => {
  const a = [{ group: '', kind: 'ConfigMap', namespace: 'n', name: 'b', version: 'v1' }];
  const b = [
    { group: 'apps', kind: 'Deployment', namespace: 'n', name: 'a', version: 'v1' },
    { group: '', kind: 'ConfigMap', namespace: 'n', name: 'b', version: 'v1' },
  ];
  const merged = mergeInventories(a, b);
  assert.equal(merged.length, 2);
  assert.deepEqual(mergeInventories(b, a), merged);
  assert.ok(sameInventory(merged, [...merged].reverse()));
  assert.ok(!sameInventory(a, merged));
});

test('an entry waiting for health is completed in place, not repeated', () => {
  const pending = appendHistory(
    [],
    {
      ...entry('main@sha1:a', 'Progressing', '1 configured'),
      configured: 1,
      finishedAt: '2026-01-01T00:00:01Z',
    },
    counts({ configured: 1 }),
  );
  const polled = appendHistory(
    pending,
    { ...entry('main@sha1:a', 'Progressing', '1 unchanged'), finishedAt: '2026-01-01T00:00:03Z' },
    counts({ unchanged: 1 }),
  );
  assert.deepEqual(polled, pending, 'a poll that changed nothing writes nothing');
  const done = appendHistory(
    polled,
    {
      ...entry('main@sha1:a', 'Succeeded', '1 unchanged'),
      startedAt: '2026-01-01T00:00:09Z',
      finishedAt: '2026-01-01T00:00:10Z',
    },
    counts({ unchanged: 1 }),
  );
  assert.equal(done.length, 1);
  assert.equal(done[0]?.result, 'Succeeded');
  assert.equal(done[0]?.startedAt, '2026-01-01T00:00:00Z');
  assert.equal(done[0]?.message, '1 configured');
  assert.equal(done[0]?.configured, 1, 'what the first pass changed is kept');
  assert.equal(done[0]?.durationMs, 10_000);
});
