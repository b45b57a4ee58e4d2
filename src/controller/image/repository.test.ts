// The ImageRepository reconciler's decisions on a registry's answers: a 429 backs off and says so
// in Ready, a refused password is AuthenticationFailed once (no repeated event), a scan records
// the count and wakes the policies. The registry is a fake through its interface.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { err, ok, type KubeObject } from '../../core/index.ts';
import { imageError, type RegistryClient } from '../../image/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import type { TagStore } from './deps.ts';
import { reconcileImageRepository } from './repository.ts';

function statusKube(statuses: Record<string, unknown>[]): KubeClient {
  return new Proxy({} as KubeClient, {
    get: (_, verb) =>
      verb === 'requestCounts'
        ? new Map()
        : (...args: unknown[]) => {
            if (verb === 'patchStatus') statuses.push(args[1] as Record<string, unknown>);
            return Promise.resolve(ok({ ...(args[0] as object), status: args[1] }));
          },
  });
}

const obj: KubeObject = {
  apiVersion: 'moor.dev/v1alpha1',
  kind: 'ImageRepository',
  metadata: { name: 'web', namespace: 'apps', generation: 1, uid: 'u1' },
  spec: { image: '127.0.0.1:5000/web', interval: '1m', insecure: true },
};

function harness(listTags: RegistryClient['listTags']) {
  const statuses: Record<string, unknown>[] = [];
  const events: string[] = [];
  const requeues: number[] = [];
  const scanned: string[] = [];
  const tags: TagStore = new Map();
  const deps = {
    kube: statusKube(statuses),
    clock: { now: () => new Date('2026-01-01T00:00:00Z') },
    random: () => 0.5,
    logger: pino({ level: 'silent' }),
    events: {
      record: (_a: unknown, type: string, reason: string, message: string) =>
        events.push(`${type} ${reason}: ${message}`),
      flush: () => Promise.resolve(),
    },
    readSecret: () => Promise.resolve(undefined),
    requeue: (_k: string, ms: number) => requeues.push(ms),
    registry: {
      listTags,
      digestOf: () => Promise.reject(new Error('unused')),
      close: () => Promise.resolve(),
    },
    tags,
    onScanned: (ns: string, name: string) => scanned.push(`${ns}/${name}`),
  };
  return { deps, statuses, events, requeues, scanned, tags };
}

const readyOf = (status: Record<string, unknown> | undefined) =>
  (status?.conditions as { type: string; status: string; reason: string; message: string }[]).find(
    (c) => c.type === 'Ready',
  );

test('429: Ready=False RateLimited, the wait the registry asked for, one event', async () => {
  const limited = imageError(
    'RateLimited',
    { subject: '127.0.0.1:5000/web', retryAfterMs: 30_000 },
    'rate limited by the registry (429), retry after 30s',
  );
  const h = harness(() => Promise.resolve(err(limited)));
  const failures = new Map<string, number>();
  assert.equal(
    await reconcileImageRepository(obj, failures, h.deps, AbortSignal.timeout(5_000)),
    'failure',
  );
  const ready = readyOf(h.statuses[0]);
  assert.equal(ready?.status, 'False');
  assert.equal(ready?.reason, 'RateLimited');
  assert.match(ready?.message ?? '', /retry after 30s; backing off, next scan in 30s$/);
  assert.deepEqual(h.requeues, [30_000]);
  assert.equal(h.events.length, 1);
  assert.match(h.events[0] ?? '', /^Warning RateLimited: /);
  assert.equal(h.tags.size, 0);
});

test('a refused password: AuthenticationFailed, and no second event while it stays so', async () => {
  const refused = imageError(
    'Unauthorized',
    { subject: '127.0.0.1:5000/web', status: 401 },
    'the registry refused the credentials (401)',
  );
  const h = harness(() => Promise.resolve(err(refused)));
  const failures = new Map<string, number>();
  await reconcileImageRepository(obj, failures, h.deps, AbortSignal.timeout(5_000));
  const after = { ...obj, status: h.statuses[0] };
  await reconcileImageRepository(after, failures, h.deps, AbortSignal.timeout(5_000));
  assert.equal(readyOf(h.statuses[0])?.reason, 'AuthenticationFailed');
  assert.equal(h.events.length, 1);
  assert.ok((h.requeues[1] ?? 0) > (h.requeues[0] ?? 0), 'backs off');
});

test('a scan: excluded tags left out, the count and ten tags in status, the policies woken', async () => {
  const all = ['1.0.0', '1.1.0', '1.1.0.sig', ...Array.from({ length: 12 }, (_, i) => `2.${i}.0`)];
  const h = harness(() => Promise.resolve(ok(all)));
  assert.equal(
    await reconcileImageRepository(obj, new Map(), h.deps, AbortSignal.timeout(5_000)),
    'success',
  );
  const status = h.statuses[0] as { lastScanResult: { tagCount: number; latestTags: string[] } };
  assert.equal(status.lastScanResult.tagCount, 14);
  assert.equal(status.lastScanResult.latestTags.length, 10);
  assert.equal(readyOf(h.statuses[0])?.message, 'found 14 tags');
  assert.deepEqual(h.scanned, ['apps/web']);
  assert.equal(h.tags.get('apps/web')?.tags.includes('1.1.0.sig'), false);
});

test('scans that find the same tags write status once; scanTime is refreshed after 10 minutes', async () => {
  const tags = ['1.0.0', '1.1.0'];
  const h = harness(() => Promise.resolve(ok([...tags])));
  let now = new Date('2026-01-01T00:00:00Z');
  const deps = { ...h.deps, clock: { now: () => now } };
  let live: KubeObject = obj;
  const scan = async () => {
    const before = h.statuses.length;
    await reconcileImageRepository(live, new Map(), deps, AbortSignal.timeout(5_000));
    if (h.statuses.length > before) live = { ...live, status: h.statuses.at(-1) };
  };
  const scanTime = () =>
    (live.status as { lastScanResult: { scanTime: string } }).lastScanResult.scanTime;
  await scan();
  assert.equal(h.statuses.length, 1);
  for (let minute = 1; minute < 10; minute++) {
    now = new Date(Date.parse('2026-01-01T00:00:00Z') + minute * 60_000);
    await scan();
  }
  assert.equal(h.statuses.length, 1, 'nine quiet scans wrote nothing');
  assert.equal(scanTime(), '2026-01-01T00:00:00Z');
  now = new Date('2026-01-01T00:10:00Z');
  await scan();
  assert.equal(h.statuses.length, 2, 'the ten-minute refresh of scanTime');
  assert.equal(scanTime(), '2026-01-01T00:10:00Z');
  // A new tag is written at once, even within the ten minutes.
  tags.push('1.2.0');
  now = new Date('2026-01-01T00:10:01Z');
  await scan();
  assert.equal(h.statuses.length, 3);
  const status = live.status as { lastScanResult: { tagCount: number; latestTags: string[] } };
  assert.equal(status.lastScanResult.tagCount, 3);
  assert.deepEqual(status.lastScanResult.latestTags, ['1.2.0', '1.1.0', '1.0.0']);
  // A tag replaced by another (the count unchanged) is a change too.
  tags.splice(0, 1, '0.9.0');
  await scan();
  assert.equal(h.statuses.length, 4);
  assert.equal(scanTime(), '2026-01-01T00:10:01Z');
});
