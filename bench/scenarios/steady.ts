// Steady state: M managed ConfigMaps over a few Syncs (interval 1m, source interval 1m), all
// Ready, then idle: the operator's RSS and CPU over the idle window, and what it asked of the API
// server meanwhile.
import { setTimeout as sleep } from 'node:timers/promises';
import { fileUrl } from '../../test/helpers/git-server.ts';
import {
  createNamespace,
  deleteNamespaces,
  startBenchOperator,
  withCleanup,
  type BenchContext,
} from '../lib/context.ts';
import { subtractCounts, sumBy, sumOf } from '../lib/prometheus.ts';
import { readHeap } from '../lib/operator.ts';
import { createPathsRepo } from '../lib/repo.ts';
import { applyAs, MOOR_API, sourceObject, syncObject, waitQuiet } from '../lib/resources.ts';
import { median, round } from '../lib/stats.ts';
import { isReadyOn, trackKind } from '../lib/watch.ts';

const INTERVAL = '1m';
const SAMPLE_MS = 1_000;

export async function runSteady(ctx: BenchContext): Promise<Record<string, unknown>> {
  const { steadyObjects, steadySyncs, idleSeconds } = ctx.sizes;
  const perSync = Math.ceil(steadyObjects / steadySyncs);
  const { repo, paths } = await createPathsRepo('p', steadySyncs, perSync);
  return withCleanup(async (defer) => {
    defer(() => repo.close());
    const namespace = await createNamespace(ctx, 'steady');
    defer(() => deleteNamespaces(ctx, [namespace]));
    const operator = await startBenchOperator(ctx, namespace);
    defer(() => operator.stop());
    const syncs = await trackKind(
      ctx.kube,
      { apiVersion: MOOR_API, kind: 'Sync', namespace },
      ctx.signal,
    );
    defer(() => Promise.resolve(syncs.stop()));
    const sha = await repo.revParse('HEAD');
    const started = performance.now();
    await applyAs(ctx, sourceObject(namespace, 'src', fileUrl(repo), INTERVAL));
    for (const path of paths)
      await applyAs(ctx, syncObject(namespace, path, { source: 'src', path, interval: INTERVAL }));
    const readyOn = isReadyOn(sha);
    const at = await syncs.waitForAll(
      (all) => all.filter(readyOn).length >= paths.length,
      Math.max(120_000, steadyObjects * 60),
    );
    const readySeconds = (at - started) / 1000;
    ctx.log(`  ${perSync * steadySyncs} objects Ready in ${round(readySeconds, 1)} s`);
    await waitQuiet(operator, 3_000, { timeoutMs: 60_000 });

    const before = { samples: await operator.metrics(), cpuMs: await operator.cpuMs() };
    const idleStarted = performance.now();
    const rss: number[] = [];
    const deadline = idleStarted + idleSeconds * 1000;
    while (performance.now() < deadline) {
      rss.push((await operator.memory()).rssMiB);
      await sleep(Math.min(SAMPLE_MS, Math.max(0, deadline - performance.now())));
    }
    const after = { samples: await operator.metrics(), cpuMs: await operator.cpuMs() };
    const idleMs = performance.now() - idleStarted;
    const memory = await operator.memory();
    const heap = await readHeap(operator);
    const snapshot = await operator.heapSnapshot();
    if (snapshot) ctx.log(`  heap snapshot: ${snapshot}`);
    const cpuMs = after.cpuMs - before.cpuMs;
    const requests = subtractCounts(
      sumBy(after.samples, 'moor_api_requests_total', 'verb'),
      sumBy(before.samples, 'moor_api_requests_total', 'verb'),
    );
    const reconciles =
      sumOf(after.samples, 'moor_reconcile_total') - sumOf(before.samples, 'moor_reconcile_total');
    return {
      steady: {
        objects: perSync * steadySyncs,
        syncs: steadySyncs,
        runs: 1,
        interval: INTERVAL,
        readySeconds: round(readySeconds, 2),
        idleSeconds: round(idleMs / 1000, 1),
        rssMiB: round(median(rss)),
        rssMaxMiB: round(Math.max(...rss)),
        peakRssMiB: round(memory.peakRssMiB),
        ...heap,
        cpuMs: round(cpuMs),
        cpuPercent: round((cpuMs / idleMs) * 100, 2),
        reconciles,
        requestsByVerb: requests,
      },
    };
  });
}
