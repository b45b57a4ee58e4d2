// The reflector's loop against a scripted client and injected timers: a stalled watch is cut and
// listed again, a bookmark moves the next watch on, a failed first list is retried, abort stops.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import pino from 'pino';
import { err, ok, type KubeObject, type Result } from '../core/index.ts';
import {
  KubeError,
  startReflector,
  type ChangeType,
  type KubeClient,
  type ListResult,
  type ReflectorClock,
  type WatchEvent,
} from './index.ts';

const logger = pino({ level: 'silent' });

const cm = (name: string, rv: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'app', resourceVersion: rv },
});

/** Time that moves only when the test says so. */
function fakeTimers(): ReflectorClock & { advance(ms: number): Promise<void> } {
  let now = 0;
  const waiters = new Set<{ at: number; wake: () => void }>();
  return {
    monotonic: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        const waiter = { at: now + ms, wake: resolve };
        waiters.add(waiter);
        signal.addEventListener('abort', () => resolve(), { once: true });
      }),
    async advance(ms) {
      now += ms;
      for (const w of [...waiters]) {
        if (w.at > now) continue;
        waiters.delete(w);
        w.wake();
      }
      for (let i = 0; i < 20; i++) await turn();
    },
  };
}

type OpenWatch = { from: string | undefined; push: (e: WatchEvent) => void; close: () => void };

/** Lists from a script; every watch stays open (until cut or closed by the test) and can be fed. */
function scriptedClient(lists: Array<Result<ListResult, KubeError>>) {
  const watches: OpenWatch[] = [];
  let listed = 0;
  const kube: Pick<KubeClient, 'list' | 'watch'> = {
    list: () => {
      listed++;
      return Promise.resolve(lists.shift() ?? ok({ items: [], resourceVersion: '999' }));
    },
    watch: (_apiVersion, _kind, opts, onEvent, signal) =>
      new Promise<Result<void, KubeError>>((resolve) => {
        const close = (): void => resolve(ok(undefined));
        watches.push({ from: opts.resourceVersion, push: onEvent, close });
        signal.addEventListener('abort', close, { once: true });
      }),
  };
  return { kube, watches, lists: () => listed };
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await turn();
};

test('a watch with no event for the no-progress timeout is cut and listed again', async () => {
  const stop = new AbortController();
  const timers = fakeTimers();
  const { kube, watches, lists } = scriptedClient([
    ok({ items: [cm('a', '1')], resourceVersion: '10' }),
    ok({ items: [cm('a', '12')], resourceVersion: '20' }),
  ]);
  const changes: Array<[ChangeType, string, string | undefined]> = [];
  const reflector = startReflector({
    kube,
    apiVersion: 'v1',
    kind: 'ConfigMap',
    signal: stop.signal,
    logger,
    clock: timers,
    noProgressMs: 1_000,
    onChange: (type, obj) =>
      changes.push([type, obj.metadata.name ?? '', obj.metadata.resourceVersion]),
  });
  assert.deepEqual(await reflector.synced, ok(undefined));
  await settle();
  await timers.advance(600);
  watches[0]?.push({ type: 'MODIFIED', object: cm('a', '11') });
  // The event at 600 ms is progress: at 1 000 ms the watch is not stalled yet.
  await timers.advance(400);
  assert.equal(lists(), 1);
  await timers.advance(599);
  assert.equal(lists(), 1);
  await timers.advance(1);
  assert.equal(lists(), 2, 'stalled 1 000 ms after the last event: listed again');
  assert.deepEqual(
    watches.map((w) => w.from),
    ['10', '20'],
  );
  assert.deepEqual(changes, [
    ['added', 'a', '1'],
    ['modified', 'a', '11'],
    ['modified', 'a', '12'],
  ]);
  assert.equal(reflector.get('app', 'a')?.metadata.resourceVersion, '12');
  stop.abort();
  await reflector.done;
});

test('a bookmark moves the next watch on without a list or a change', async () => {
  const stop = new AbortController();
  const timers = fakeTimers();
  const { kube, watches, lists } = scriptedClient([
    ok({ items: [cm('a', '1')], resourceVersion: '10' }),
  ]);
  const changes: string[] = [];
  const reflector = startReflector({
    kube,
    apiVersion: 'v1',
    kind: 'ConfigMap',
    signal: stop.signal,
    logger,
    clock: timers,
    onChange: (type) => changes.push(type),
  });
  await reflector.synced;
  await settle();
  const bookmark = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: '15' } };
  watches[0]?.push({ type: 'BOOKMARK', object: bookmark });
  await timers.advance(5_000);
  watches[0]?.close();
  await settle();
  assert.deepEqual(
    watches.map((w) => w.from),
    ['10', '15'],
  );
  assert.equal(lists(), 1);
  assert.deepEqual(changes, ['added']);
  stop.abort();
  await reflector.done;
});

test('a failed first list is retried with the backoff; abort before any list ends synced', async () => {
  const stop = new AbortController();
  const timers = fakeTimers();
  const down = new KubeError('Unavailable', 'list ConfigMap (all namespaces): unavailable', {
    verb: 'list',
    subject: 'ConfigMap (all namespaces)',
  });
  const { kube, lists } = scriptedClient([
    err(down),
    err(down),
    ok({ items: [cm('a', '1')], resourceVersion: '10' }),
  ]);
  const reflector = startReflector({
    kube,
    apiVersion: 'v1',
    kind: 'ConfigMap',
    signal: stop.signal,
    logger,
    clock: timers,
    backoff: { initialMs: 100, maxMs: 1_000 },
    onChange: () => undefined,
  });
  await settle();
  assert.equal(lists(), 2, 'the first retry at once');
  await timers.advance(99);
  assert.equal(lists(), 2);
  await timers.advance(1);
  assert.equal(lists(), 3, 'the second after the backoff');
  assert.deepEqual(await reflector.synced, ok(undefined));
  stop.abort();
  await reflector.done;

  const early = new AbortController();
  early.abort();
  const never = startReflector({
    kube,
    apiVersion: 'v1',
    kind: 'Secret',
    signal: early.signal,
    logger,
    clock: timers,
    onChange: () => undefined,
  });
  await never.done;
  const synced = await never.synced;
  assert.equal(synced.ok ? undefined : synced.error.code, 'Aborted');
});
