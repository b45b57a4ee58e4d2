// No-op reconcile: the N-object Sync with nothing changed. Interval-driven reconciles (Sync
// interval 2s) over fixed windows: API requests by verb, writes, CPU and wall time per reconcile,
// from the operator's own counters. Then forced reconciles (the reconcile-requested-at
// annotation), reported apart: by design they write status.lastHandledReconcileAt.
import { setTimeout as sleep } from 'node:timers/promises';
import { Annotations } from '../../src/core/index.ts';
import type { BenchContext } from '../lib/context.ts';
import { SYNC, type ConfigMapSync } from '../lib/fixture.ts';
import type { BenchOperator } from '../lib/operator.ts';
import { subtractCounts, sumBy, sumOf, type Sample } from '../lib/prometheus.ts';
import { MOOR_API, waitQuiet } from '../lib/resources.ts';
import { median, round } from '../lib/stats.ts';

const WRITE_VERBS = new Set(['patch', 'create', 'delete', 'update', 'put']);
const SYNC_INTERVAL = '2s';
const WARMUP_MS = 3_000;

type Snapshot = { samples: Sample[]; cpuMs: number; at: number };
type Delta = {
  reconciles: number;
  byVerb: Record<string, number>;
  cpuMs: number;
  reconcileSeconds: number;
  wallMs: number;
};

async function snapshot(operator: BenchOperator): Promise<Snapshot> {
  const [samples, cpuMs] = await Promise.all([operator.metrics(), operator.cpuMs()]);
  return { samples, cpuMs, at: performance.now() };
}

function deltaOf(before: Snapshot, after: Snapshot): Delta {
  const sync = { kind: 'Sync' };
  const d = (name: string): number =>
    sumOf(after.samples, name, sync) - sumOf(before.samples, name, sync);
  return {
    reconciles: d('moor_reconcile_total'),
    byVerb: subtractCounts(
      sumBy(after.samples, 'moor_api_requests_total', 'verb'),
      sumBy(before.samples, 'moor_api_requests_total', 'verb'),
    ),
    cpuMs: after.cpuMs - before.cpuMs,
    reconcileSeconds: d('moor_reconcile_duration_seconds_sum'),
    wallMs: after.at - before.at,
  };
}

const total = (counts: Record<string, number>): number =>
  Object.values(counts).reduce((a, b) => a + b, 0);
const writesOf = (counts: Record<string, number>): number =>
  Object.entries(counts).reduce((a, [verb, n]) => a + (WRITE_VERBS.has(verb) ? n : 0), 0);

function perReconcile(deltas: readonly Delta[]): Record<string, unknown> {
  const used = deltas.filter((d) => d.reconciles > 0);
  const reconciles = used.reduce((a, d) => a + d.reconciles, 0);
  const byVerb: Record<string, number> = {};
  for (const d of used)
    for (const [verb, n] of Object.entries(d.byVerb)) byVerb[verb] = (byVerb[verb] ?? 0) + n;
  return {
    reconciles,
    windows: used.length,
    requests: round(median(used.map((d) => total(d.byVerb) / d.reconciles)), 2),
    writes: round(median(used.map((d) => writesOf(d.byVerb) / d.reconciles)), 2),
    requestsByVerb: Object.fromEntries(
      Object.entries(byVerb).map(([verb, n]) => [verb, round(n / Math.max(reconciles, 1), 2)]),
    ),
    cpuMs: round(median(used.map((d) => d.cpuMs / d.reconciles)), 2),
    wallMs: round(median(used.map((d) => (d.reconcileSeconds * 1000) / d.reconciles)), 2),
  };
}

async function measureIntervalWindows(ctx: BenchContext, fx: ConfigMapSync): Promise<Delta[]> {
  await fx.setIntervals({ source: '1h', sync: SYNC_INTERVAL });
  await sleep(WARMUP_MS);
  const deltas: Delta[] = [];
  for (let w = 0; w < ctx.sizes.noopWindows; w++) {
    const before = await snapshot(fx.operator);
    await sleep(ctx.sizes.noopWindowSeconds * 1000);
    deltas.push(deltaOf(before, await snapshot(fx.operator)));
  }
  return deltas;
}

async function measureForced(
  ctx: BenchContext,
  fx: ConfigMapSync,
  k: number,
): Promise<Delta & { handledMs: number }> {
  const requestedAt = `bench-${Date.now()}-${k}`;
  const before = await snapshot(fx.operator);
  const handled = fx.syncs.waitFor(
    SYNC,
    (o) =>
      (o.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt ===
      requestedAt,
    30_000,
  );
  const patched = await ctx.kube.mergePatch(
    { apiVersion: MOOR_API, kind: 'Sync', namespace: fx.namespace, name: SYNC },
    { metadata: { annotations: { [Annotations.reconcileRequestedAt]: requestedAt } } },
    AbortSignal.timeout(10_000),
  );
  if (!patched.ok) throw patched.error;
  const seen = await handled;
  await waitQuiet(fx.operator, 500, { timeoutMs: 10_000 });
  const delta = deltaOf(before, await snapshot(fx.operator));
  return { ...delta, handledMs: seen.at - before.at };
}

export async function runNoop(
  ctx: BenchContext,
  fx: ConfigMapSync,
): Promise<Record<string, unknown>> {
  const windows = await measureIntervalWindows(ctx, fx);
  const interval = perReconcile(windows);
  ctx.log(`  interval reconciles: ${JSON.stringify(interval)}`);
  await fx.setIntervals({ source: '1h', sync: '1h' });
  // A reconcile the 2s interval had already scheduled must not fall into the first window.
  await waitQuiet(fx.operator, 2_500, { kind: 'Sync', timeoutMs: 15_000 });
  const forced: (Delta & { handledMs: number })[] = [];
  for (let k = 0; k < ctx.sizes.forcedReconciles; k++) forced.push(await measureForced(ctx, fx, k));
  const forcedSummary = {
    ...perReconcile(forced),
    handledMs: round(median(forced.map((f) => f.handledMs))),
  };
  ctx.log(`  forced reconciles: ${JSON.stringify(forcedSummary)}`);
  return {
    noop: {
      objects: fx.names.length,
      syncInterval: SYNC_INTERVAL,
      windowSeconds: ctx.sizes.noopWindowSeconds,
      ...interval,
      forced: forcedSummary,
    },
  };
}
