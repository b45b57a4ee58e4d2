// The cost curve: what the operator's memory costs per managed object and per Sync. One fresh
// operator per point: first with nothing to manage (the baseline), then with M ConfigMaps over a
// few Syncs (`--cost-objects`, split over `--cost-object-syncs`), then with S Syncs of one
// ConfigMap each (`--cost-syncs`). Each point waits until everything is Ready and the operator is
// quiet, then samples idle RSS and V8 heap; the figures are bytes above the baseline per object
// (per Sync), and the marginal cost between the smallest and the largest point.
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import { fileUrl } from '../../test/helpers/git-server.ts';
import {
  createNamespace,
  deleteNamespaces,
  startBenchOperator,
  withCleanup,
  type BenchContext,
} from '../lib/context.ts';
import type { BenchOperator } from '../lib/operator.ts';
import { sumOf } from '../lib/prometheus.ts';
import { createPathsRepo } from '../lib/repo.ts';
import { applyAs, MOOR_API, sourceObject, syncObject, waitQuiet } from '../lib/resources.ts';
import { median, round } from '../lib/stats.ts';
import { isReadyOn, trackKind } from '../lib/watch.ts';

const INTERVAL = '10m';
const SAMPLE_MS = 500;
const CREATE_CONCURRENCY = 32;
const MIB = 2 ** 20;

/** Idle memory of one operator. Heap used is the lowest sample: right after a collection. */
export type CostPoint = {
  readonly objects: number;
  readonly syncs: number;
  readonly readySeconds: number;
  readonly rssMiB: number;
  readonly peakRssMiB: number;
  readonly heapUsedMiB: number;
  readonly heapTotalMiB: number;
};

async function sampleIdle(operator: BenchOperator, seconds: number) {
  const rss: number[] = [];
  const heapUsed: number[] = [];
  const heapTotal: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    rss.push((await operator.memory()).rssMiB);
    const samples = await operator.metrics();
    heapUsed.push(sumOf(samples, 'nodejs_heap_size_used_bytes') / MIB);
    heapTotal.push(sumOf(samples, 'nodejs_heap_size_total_bytes') / MIB);
    await sleep(SAMPLE_MS);
  }
  return {
    rssMiB: round(median(rss), 1),
    peakRssMiB: round((await operator.memory()).peakRssMiB, 1),
    heapUsedMiB: round(Math.min(...heapUsed), 1),
    heapTotalMiB: round(median(heapTotal), 1),
  };
}

/** One operator managing `syncs` Syncs of `perSync` ConfigMaps each (0 Syncs: the baseline). */
async function measurePoint(ctx: BenchContext, syncs: number, perSync: number): Promise<CostPoint> {
  const { repo, paths } = await createPathsRepo('c', Math.max(syncs, 1), perSync);
  return withCleanup(async (defer) => {
    defer(() => repo.close());
    const namespace = await createNamespace(ctx, 'cost');
    defer(() => deleteNamespaces(ctx, [namespace]));
    const operator = await startBenchOperator(ctx, namespace);
    defer(() => operator.stop());
    const tracked = await trackKind(
      ctx.kube,
      { apiVersion: MOOR_API, kind: 'Sync', namespace },
      ctx.signal,
    );
    defer(() => Promise.resolve(tracked.stop()));
    const started = performance.now();
    let readySeconds = 0;
    if (syncs > 0) {
      const sha = await repo.revParse('HEAD');
      await applyAs(ctx, sourceObject(namespace, 'src', fileUrl(repo), INTERVAL));
      const limit = pLimit(CREATE_CONCURRENCY);
      const mine = paths.slice(0, syncs);
      await Promise.all(
        mine.map((path) =>
          limit(() =>
            applyAs(ctx, syncObject(namespace, path, { source: 'src', path, interval: INTERVAL })),
          ),
        ),
      );
      const readyOn = isReadyOn(sha);
      const timeoutMs = Math.max(180_000, syncs * perSync * 60, syncs * 600);
      const at = await tracked.waitForAll(
        (all) => all.filter(readyOn).length >= mine.length,
        timeoutMs,
      );
      readySeconds = (at - started) / 1000;
    }
    await waitQuiet(operator, 3_000, { timeoutMs: 120_000 });
    const idle = await sampleIdle(operator, ctx.sizes.costIdleSeconds);
    const snapshot = await operator.heapSnapshot();
    if (snapshot) ctx.log(`  heap snapshot: ${snapshot}`);
    return { objects: syncs * perSync, syncs, readySeconds: round(readySeconds, 1), ...idle };
  });
}

const perUnit = (point: CostPoint, base: CostPoint, units: number) => ({
  rssBytesPer: Math.round(((point.rssMiB - base.rssMiB) * MIB) / units),
  heapBytesPer: Math.round(((point.heapUsedMiB - base.heapUsedMiB) * MIB) / units),
});

/** Bytes per unit between the first and the last point (what one more object costs). */
function marginal(points: readonly CostPoint[], units: (p: CostPoint) => number) {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last || units(last) === units(first)) return undefined;
  const du = units(last) - units(first);
  return {
    rssBytesPer: Math.round(((last.rssMiB - first.rssMiB) * MIB) / du),
    heapBytesPer: Math.round(((last.heapUsedMiB - first.heapUsedMiB) * MIB) / du),
  };
}

export async function runCost(ctx: BenchContext): Promise<Record<string, unknown>> {
  const { costObjects, costObjectSyncs, costSyncs } = ctx.sizes;
  const report = (label: string, p: CostPoint): void => ctx.log(`  ${label}: ${JSON.stringify(p)}`);
  const baseline = await measurePoint(ctx, 0, 1);
  report('baseline', baseline);
  const objects: (CostPoint & ReturnType<typeof perUnit>)[] = [];
  const failed: { objects: number; syncs: number; error: string }[] = [];
  // A point that fails (times out) is reported as such; the points measured are kept.
  const attempt = async (syncs: number, perSync: number): Promise<CostPoint | undefined> => {
    try {
      return await measurePoint(ctx, syncs, perSync);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const message = (error as Error).message;
      ctx.log(`  ${syncs * perSync} objects over ${syncs} Syncs: FAILED: ${message}`);
      failed.push({ objects: syncs * perSync, syncs, error: message });
      return undefined;
    }
  };
  for (const count of costObjects) {
    const syncs = Math.min(costObjectSyncs, count);
    const point = await attempt(syncs, Math.ceil(count / syncs));
    if (!point) continue;
    report(`${point.objects} objects`, point);
    objects.push({ ...point, ...perUnit(point, baseline, point.objects) });
  }
  const bySyncs: (CostPoint & ReturnType<typeof perUnit>)[] = [];
  for (const count of costSyncs) {
    const point = await attempt(count, 1);
    if (!point) continue;
    report(`${count} Syncs`, point);
    bySyncs.push({ ...point, ...perUnit(point, baseline, point.syncs) });
  }
  const largest = objects[objects.length - 1];
  const mostSyncs = bySyncs[bySyncs.length - 1];
  return {
    cost: {
      baseline,
      objects,
      syncs: bySyncs,
      // The largest point's figures, which the report's rows (and targets) read.
      perObject: largest
        ? { objects: largest.objects, ...perUnit(largest, baseline, largest.objects) }
        : undefined,
      perSync: mostSyncs
        ? { syncs: mostSyncs.syncs, ...perUnit(mostSyncs, baseline, mostSyncs.syncs) }
        : undefined,
      marginalPerObject: marginal(objects, (p) => p.objects),
      marginalPerSync: marginal(bySyncs, (p) => p.syncs),
      ...(failed.length ? { failed } : {}),
    },
  };
}
