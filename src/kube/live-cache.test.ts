// The live cache against a scripted KubeClient: expired watches, failing servers, failed lists.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { err, ok, type KubeObject, type Result } from '../core/index.ts';
import {
  createLiveCache,
  KubeError,
  type KubeClient,
  type KubeErrorCode,
  type ListResult,
  type LiveChangeType,
  type WatchEvent,
} from './index.ts';

const logger = pino({ level: 'silent' });

const cm = (name: string, rv: string, namespace = 'app'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, resourceVersion: rv, labels: { 'moor.dev/sync-name': 's' } },
});

const failure = (code: KubeErrorCode): KubeError =>
  new KubeError(code, `watch ConfigMap (all namespaces): ${code}`, {
    verb: 'watch',
    subject: 'ConfigMap (all namespaces)',
  });

type WatchStep = {
  readonly events?: readonly WatchEvent[];
  readonly result: Result<void, KubeError>;
};

/** A KubeClient that answers list and watch from scripts and counts what it was asked. */
function scriptedClient(script: {
  lists: Array<Result<ListResult, KubeError>>;
  watches: WatchStep[];
}): KubeClient & { calls: Array<{ verb: string; at: number; opts?: unknown }> } {
  const calls: Array<{ verb: string; at: number; opts?: unknown }> = [];
  const counts = new Map<string, number>();
  const count = (verb: string, opts?: unknown) => {
    counts.set(verb, (counts.get(verb) ?? 0) + 1);
    calls.push({ verb, at: performance.now(), opts });
  };
  const unused = (): never => {
    throw new Error('not used by the live cache');
  };
  const client: KubeClient & { calls: typeof calls } = {
    calls,
    requestCounts: counts,
    list: (_apiVersion, _kind, opts) => {
      count('list', opts);
      return Promise.resolve(script.lists.shift() ?? ok({ items: [], resourceVersion: '999' }));
    },
    watch: async (_apiVersion, _kind, opts, onEvent, signal) => {
      count('watch', opts);
      const step = script.watches.shift();
      if (!step) {
        // Nothing scripted: stay open until the cache stops.
        await sleep(60_000, undefined, { signal }).catch(() => undefined);
        return ok(undefined);
      }
      for (const e of step.events ?? []) onEvent(e);
      return step.result;
    },
    apply: unused,
    get: unused,
    delete: unused,
    patchStatus: unused,
    mergePatch: unused,
    create: unused,
    update: unused,
    resolveKind: unused,
    impersonate: () => client,
  };
  return client;
}

test('an expired watch lists again; objects gone meanwhile are reported deleted', async () => {
  const stop = new AbortController();
  const kube = scriptedClient({
    lists: [
      ok({ items: [cm('a', '1'), cm('b', '2')], resourceVersion: '10' }),
      ok({ items: [cm('a', '11'), cm('c', '12')], resourceVersion: '20' }),
    ],
    watches: [
      { events: [{ type: 'MODIFIED', object: cm('a', '5') }], result: err(failure('Expired')) },
    ],
  });
  const cache = createLiveCache({
    kube,
    labelSelector: 'moor.dev/sync-name',
    signal: stop.signal,
    logger,
  });
  const changes: Array<[string, LiveChangeType]> = [];
  cache.onChange((obj, type) => changes.push([obj.metadata.name ?? '', type]));

  assert.deepEqual(await cache.ensureKind('v1', 'ConfigMap'), ok(undefined));
  for (let i = 0; i < 100 && kube.requestCounts.get('list') !== 2; i++) await sleep(5);
  await sleep(20);

  assert.deepEqual(changes, [
    ['a', 'added'],
    ['b', 'added'],
    ['a', 'modified'],
    ['b', 'deleted'],
    ['a', 'modified'],
    ['c', 'added'],
  ]);
  assert.equal(cache.get('v1', 'ConfigMap', 'app', 'b'), undefined);
  assert.equal(cache.get('v1', 'ConfigMap', 'app', 'a')?.metadata.resourceVersion, '11');
  assert.deepEqual(
    cache.list('v1', 'ConfigMap').map((o) => o.metadata.name),
    ['a', 'c'],
  );
  const watches = kube.calls.filter((c) => c.verb === 'watch').map((c) => c.opts);
  assert.deepEqual(watches, [
    { labelSelector: 'moor.dev/sync-name', resourceVersion: '10' },
    { labelSelector: 'moor.dev/sync-name', resourceVersion: '20' },
  ]);
  stop.abort();
  await cache.stopped();
});

test('a failing watch is retried with a bounded, growing delay, and stops on abort', async () => {
  const stop = new AbortController();
  const unavailable = { result: err(failure('Unavailable')) };
  const kube = scriptedClient({
    lists: [ok({ items: [], resourceVersion: '10' })],
    watches: Array.from({ length: 8 }, () => unavailable),
  });
  const cache = createLiveCache({
    kube,
    labelSelector: 'x',
    signal: stop.signal,
    logger,
    backoff: { initialMs: 20, maxMs: 80 },
  });
  assert.ok((await cache.ensureKind('v1', 'ConfigMap')).ok);
  for (let i = 0; i < 200 && (kube.requestCounts.get('watch') ?? 0) < 9; i++) await sleep(10);
  const at = kube.calls.filter((c) => c.verb === 'watch').map((c) => c.at);
  assert.equal(at.length, 9);
  const gaps = at.slice(1).map((t, i) => t - (at[i] ?? 0));
  // 1st retry at once, then 20, 40, 80, 80 … ms: growing, never past the ceiling (plus slack
  // for a busy machine; timers never fire early, so the lower bounds are exact).
  const least = [0, 19, 39, 79, 79, 79, 79, 79];
  gaps.forEach((g, i) => {
    assert.ok(g >= (least[i] ?? 0), `retry ${i + 1} after ${g.toFixed(1)}ms: ${gaps.join(', ')}`);
    assert.ok(g < 80 + 300, `retry ${i + 1} after ${g.toFixed(1)}ms, past the ceiling`);
  });
  // A watch that stays open ends when the signal aborts.
  stop.abort();
  await cache.stopped();
  assert.equal(kube.requestCounts.get('list'), 1, 'other errors re-watch without listing');
});

test('a failed first list is returned, and the next ensureKind lists again', async () => {
  const stop = new AbortController();
  const forbidden = new KubeError('Forbidden', 'list Secret (all namespaces): forbidden', {
    verb: 'list',
    subject: 'Secret (all namespaces)',
  });
  const kube = scriptedClient({
    lists: [err(forbidden), ok({ items: [cm('a', '1')], resourceVersion: '5' })],
    watches: [],
  });
  const cache = createLiveCache({ kube, labelSelector: 'x', signal: stop.signal, logger });
  const first = await cache.ensureKind('v1', 'ConfigMap');
  assert.equal(first.ok ? undefined : first.error.code, 'Forbidden');
  const [second, third] = await Promise.all([
    cache.ensureKind('v1', 'ConfigMap'),
    cache.ensureKind('v1', 'ConfigMap'),
  ]);
  assert.ok(second.ok && third.ok);
  assert.equal(kube.requestCounts.get('list'), 2, 'concurrent ensureKind calls share one list');
  assert.equal(cache.get('v1', 'ConfigMap', 'app', 'a')?.metadata.name, 'a');
  assert.equal(cache.get('apps/v1', 'Deployment', 'app', 'a'), undefined);
  stop.abort();
  await cache.stopped();
  const after = await cache.ensureKind('apps/v1', 'Deployment');
  assert.equal(after.ok ? undefined : after.error.code, 'Aborted');
});

test('a listener that throws does not stop the others; unsubscribe stops delivery', async () => {
  const stop = new AbortController();
  const kube = scriptedClient({
    lists: [
      ok({ items: [cm('a', '1')], resourceVersion: '5' }),
      ok({ items: [cm('b', '1')], resourceVersion: '5' }),
    ],
    watches: [],
  });
  const cache = createLiveCache({ kube, labelSelector: 'x', signal: stop.signal, logger });
  const seen: string[] = [];
  cache.onChange(() => {
    throw new Error('boom');
  });
  const off = cache.onChange((obj) => seen.push(obj.metadata.name ?? ''));
  await cache.ensureKind('v1', 'ConfigMap');
  off();
  await cache.ensureKind('v1', 'Secret');
  assert.deepEqual(seen, ['a']);
  stop.abort();
  await cache.stopped();
});
