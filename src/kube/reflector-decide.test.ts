// The reflector's decisions as tables: what follows 410, a bookmark, an error, a stall.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../core/index.ts';
import {
  classifyWatchEnd,
  decideEvent,
  decideUpsert,
  defaultNoProgressMs,
  goneAfterList,
  nextAfterList,
  nextAfterWatch,
  pauseMs,
  progressLeftMs,
  type NextStep,
  type WatchEnd,
} from './reflector-decide.ts';
import type { KubeErrorCode } from './errors.ts';

const cm = (name: string, rv: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'app', resourceVersion: rv },
});

test('after a watch: 410 and a stall list again, other errors and closes watch again', () => {
  const table: [WatchEnd, number, NextStep][] = [
    [{ kind: 'closed', ms: 240_000 }, 3, { step: 'watch', failures: 0 }],
    [{ kind: 'closed', ms: 20 }, 3, { step: 'watch', failures: 4 }],
    [{ kind: 'expired' }, 0, { step: 'list', failures: 1 }],
    [{ kind: 'expired' }, 2, { step: 'list', failures: 3 }],
    [{ kind: 'stalled' }, 0, { step: 'list', failures: 1 }],
    [{ kind: 'failed' }, 0, { step: 'watch', failures: 1 }],
    [{ kind: 'failed' }, 5, { step: 'watch', failures: 6 }],
  ];
  for (const [end, failures, expected] of table)
    assert.deepEqual(nextAfterWatch(end, failures), expected, `${end.kind} after ${failures}`);
});

test('after a list: watch from it, or list again counting the failure', () => {
  assert.deepEqual(nextAfterList(true, 2), { step: 'watch', failures: 2 });
  assert.deepEqual(nextAfterList(false, 2), { step: 'list', failures: 3 });
});

test('how a watch ended: a stall wins over the clean end it caused; 410 is expired', () => {
  const table: [Parameters<typeof classifyWatchEnd>[0], boolean, WatchEnd][] = [
    [{ ok: true }, false, { kind: 'closed', ms: 7 }],
    [{ ok: true }, true, { kind: 'stalled' }],
    [{ ok: false, code: 'Expired' }, false, { kind: 'expired' }],
    [{ ok: false, code: 'Unavailable' as KubeErrorCode }, false, { kind: 'failed' }],
    [{ ok: false, code: 'Forbidden' as KubeErrorCode }, true, { kind: 'stalled' }],
  ];
  for (const [result, stalled, expected] of table)
    assert.deepEqual(classifyWatchEnd(result, stalled, 7), expected);
});

test('pauses: none up to one failure, then the backoff doubling to its ceiling', () => {
  const backoff = { initialMs: 500, maxMs: 30_000 };
  const table: [number, number][] = [
    [0, 0],
    [1, 0],
    [2, 500],
    [3, 1000],
    [4, 2000],
    [8, 30_000],
    [50, 30_000],
  ];
  for (const [failures, ms] of table) assert.equal(pauseMs(failures, backoff), ms, `${failures}`);
});

test('no progress: the watchdog waits what is left of the timeout since the last event', () => {
  const table: [lastProgress: number, now: number, left: number][] = [
    [0, 0, 1000],
    [0, 400, 600],
    [300, 900, 400],
    [0, 1000, 0],
    [0, 1500, -500],
  ];
  for (const [last, now, left] of table) assert.equal(progressLeftMs(last, 1000, now), left);
});

test('events: a bookmark moves the version only; DELETED removes; the same version is no change', () => {
  const bookmark = decideEvent(
    {
      type: 'BOOKMARK',
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: '9' } },
    },
    undefined,
    '5',
  );
  assert.deepEqual(bookmark, { resourceVersion: '9', step: { op: 'none' } });

  const added = decideEvent({ type: 'ADDED', object: cm('a', '6') }, undefined, '5');
  assert.deepEqual(added, {
    resourceVersion: '6',
    step: { op: 'set', change: 'added', obj: cm('a', '6'), old: undefined },
  });
  const modified = decideEvent({ type: 'MODIFIED', object: cm('a', '7') }, cm('a', '6'), '6');
  assert.deepEqual(modified.step, {
    op: 'set',
    change: 'modified',
    obj: cm('a', '7'),
    old: cm('a', '6'),
  });
  const again = decideEvent({ type: 'MODIFIED', object: cm('a', '7') }, cm('a', '7'), '7');
  assert.deepEqual(again.step, { op: 'none' });
  const deleted = decideEvent({ type: 'DELETED', object: cm('a', '8') }, cm('a', '7'), '7');
  assert.deepEqual(deleted, {
    resourceVersion: '8',
    step: { op: 'delete', obj: cm('a', '8'), old: cm('a', '7') },
  });
  const noVersion = decideEvent(
    { type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} } },
    undefined,
    '8',
  );
  assert.equal(noVersion.resourceVersion, '8');
  assert.deepEqual(decideUpsert(cm('b', '1'), undefined).op, 'set');
});

test('a fresh list: what the cache holds and the list does not is gone', () => {
  const gone = goneAfterList(
    [cm('a', '1'), cm('b', '2'), cm('c', '3')],
    [cm('a', '4'), cm('d', '5')],
  );
  assert.deepEqual(
    gone.map((o) => o.metadata.name),
    ['b', 'c'],
  );
  assert.deepEqual(goneAfterList([], [cm('a', '1')]), []);
});

test('the default no-progress timeout: the bookmark interval or the watch timeout, plus 30 s', () => {
  const table: [watchTimeoutSeconds: number, noProgressMs: number][] = [
    [240, 90_000],
    [60, 90_000],
    [30, 60_000],
    [2, 32_000],
  ];
  for (const [seconds, ms] of table) assert.equal(defaultNoProgressMs(seconds), ms, `${seconds} s`);
});
