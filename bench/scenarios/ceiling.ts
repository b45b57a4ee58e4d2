// The ceiling: raw server-side apply throughput of N ConfigMaps by a minimal parallel client, and
// the round trip of one apply; then Moor's initial apply of the same N objects on the same server
// (a new Sync into a fresh namespace, the operator already running), as objects/second and its
// ratio to the ceiling.
import pLimit from 'p-limit';
import type { KubeObject } from '../../src/core/index.ts';
import { createKubeClient, type KubeClient } from '../../src/kube/index.ts';
import { fileUrl } from '../../test/helpers/git-server.ts';
import {
  createNamespace,
  deleteNamespaces,
  startBenchOperator,
  withCleanup,
  type BenchContext,
} from '../lib/context.ts';
import { subtractCounts, sumBy } from '../lib/prometheus.ts';
import { configMapName, configMapValue, createConfigMapRepo } from '../lib/repo.ts';
import { applyAs, MOOR_API, sourceObject, syncObject } from '../lib/resources.ts';
import { latencyMs, median, round } from '../lib/stats.ts';
import { conditionOf, isReadyOn, trackKind } from '../lib/watch.ts';

const ROUND_TRIP_SAMPLES = 50;
const READY_TIMEOUT_MS = 300_000;

function configMap(namespace: string, name: string, generation: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace },
    data: { value: configMapValue(generation), owner: 'moor-bench' },
  };
}

async function applyOrThrow(kube: KubeClient, obj: KubeObject, signal: AbortSignal): Promise<void> {
  const res = await kube.apply(obj, { fieldManager: 'bench-ceiling', force: true }, signal);
  if (!res.ok) throw res.error;
}

/** One run: N parallel applies into a fresh namespace, then sequential single applies. */
async function measureCeilingRun(
  ctx: BenchContext,
  namespace: string,
): Promise<{ objectsPerSecond: number; roundTrips: number[] }> {
  const { objects, ceilingConcurrency } = ctx.sizes;
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(READY_TIMEOUT_MS)]);
  const kube = createKubeClient({ kubeconfig: ctx.kubeconfig, maxConcurrent: ceilingConcurrency });
  // Warm discovery and the connection, as a long-running operator has them.
  const warm = await kube.resolveKind('v1', 'ConfigMap', signal);
  if (!warm.ok) throw warm.error;
  const limit = pLimit(ceilingConcurrency);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: objects }, (_, i) =>
      limit(() => applyOrThrow(kube, configMap(namespace, configMapName(i), 0), signal)),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const roundTrips: number[] = [];
  for (let i = 0; i < Math.min(ROUND_TRIP_SAMPLES, objects); i++) {
    const t = performance.now();
    await applyOrThrow(kube, configMap(namespace, configMapName(i), 1), signal);
    roundTrips.push(performance.now() - t);
  }
  return { objectsPerSecond: objects / seconds, roundTrips };
}

async function measureCeiling(ctx: BenchContext): Promise<Record<string, unknown>> {
  return withCleanup(async (defer) => {
    const runs = ctx.sizes.ceilingRuns;
    const namespaces = await Promise.all(
      Array.from({ length: runs }, () => createNamespace(ctx, 'ceiling')),
    );
    defer(() => deleteNamespaces(ctx, namespaces));
    const rates: number[] = [];
    const roundTrips: number[] = [];
    for (const [r, namespace] of namespaces.entries()) {
      const run = await measureCeilingRun(ctx, namespace);
      rates.push(run.objectsPerSecond);
      roundTrips.push(...run.roundTrips);
      ctx.log(`  ceiling run ${r + 1}: ${round(run.objectsPerSecond)} objects/s`);
    }
    return {
      objects: ctx.sizes.objects,
      concurrency: ctx.sizes.ceilingConcurrency,
      runs,
      objectsPerSecond: round(median(rates)),
      applyRoundTrip: latencyMs(roundTrips),
      applyRoundTripMs: latencyMs(roundTrips).p50Ms,
    };
  });
}

type InitialRun = {
  seconds: number;
  operatorApplyMs: number | undefined;
  requests: Record<string, number>;
};

/**
 * Moor's initial apply, `initialRuns` times: one operator and GitRepository (artifact ready), then
 * per run a new Sync whose targetNamespace is a fresh namespace, timed from its creation to Ready.
 */
async function measureInitialApply(ctx: BenchContext): Promise<InitialRun[]> {
  return withCleanup(async (defer) => {
    const { repo } = await createConfigMapRepo('cms', ctx.sizes.objects);
    defer(() => repo.close());
    const namespace = await createNamespace(ctx, 'initial');
    const targets = await Promise.all(
      Array.from({ length: ctx.sizes.initialRuns }, () => createNamespace(ctx, 'initial-target')),
    );
    defer(() => deleteNamespaces(ctx, [namespace, ...targets]));
    const operator = await startBenchOperator(ctx, namespace);
    defer(() => operator.stop());
    const where = { apiVersion: MOOR_API, namespace };
    const sources = await trackKind(ctx.kube, { ...where, kind: 'GitRepository' }, ctx.signal);
    defer(() => Promise.resolve(sources.stop()));
    const syncs = await trackKind(ctx.kube, { ...where, kind: 'Sync' }, ctx.signal);
    defer(() => Promise.resolve(syncs.stop()));
    await applyAs(ctx, sourceObject(namespace, 'src', fileUrl(repo), '1h'));
    await sources.waitFor('src', (o) => conditionOf(o, 'Ready')?.status === 'True', 120_000);
    const sha = await repo.revParse('HEAD');
    const runs: InitialRun[] = [];
    for (const [r, targetNamespace] of targets.entries()) {
      const name = `initial-${r}`;
      const before = await operator.metrics();
      const started = performance.now();
      await applyAs(
        ctx,
        syncObject(namespace, name, {
          source: 'src',
          path: 'cms',
          interval: '1h',
          targetNamespace,
        }),
      );
      const ready = await syncs.waitFor(name, isReadyOn(sha), READY_TIMEOUT_MS);
      const history = (
        ready.obj.status as { history?: { revision?: string; durationMs?: number }[] }
      ).history;
      const requests = subtractCounts(
        sumBy(await operator.metrics(), 'moor_api_requests_total', 'verb'),
        sumBy(before, 'moor_api_requests_total', 'verb'),
      );
      const run = {
        seconds: (ready.at - started) / 1000,
        operatorApplyMs: history?.find((h) => h.revision?.endsWith(sha))?.durationMs,
        requests,
      };
      runs.push(run);
      ctx.log(
        `  initial apply run ${r + 1}: ${round(run.seconds, 2)} s (operator: ${run.operatorApplyMs ?? '?'} ms)`,
      );
    }
    return runs;
  });
}

export async function runCeiling(ctx: BenchContext): Promise<Record<string, unknown>> {
  const { objects } = ctx.sizes;
  const ceiling = await measureCeiling(ctx);
  const ceilingRate = ceiling.objectsPerSecond as number;
  const runs = await measureInitialApply(ctx);
  const applyMs = runs.flatMap((r) => (r.operatorApplyMs === undefined ? [] : [r.operatorApplyMs]));
  const objectsPerSecond = median(runs.map((r) => objects / r.seconds));
  const operatorRate = median(applyMs.map((ms) => (objects * 1000) / ms));
  const verbs = new Set(runs.flatMap((r) => Object.keys(r.requests)));
  const requestsPerObject = Object.fromEntries(
    [...verbs]
      .map((v) => [v, round(median(runs.map((r) => (r.requests[v] ?? 0) / objects)), 2)] as const)
      .filter(([, n]) => n > 0),
  );
  return {
    ceiling,
    initialApply: {
      objects,
      runs: runs.length,
      seconds: round(median(runs.map((r) => r.seconds)), 2),
      objectsPerSecond: round(objectsPerSecond),
      ratioToCeiling: round(objectsPerSecond / ceilingRate, 3),
      requestsPerObject,
      ...(applyMs.length
        ? {
            operatorApplyMs: round(median(applyMs)),
            operatorObjectsPerSecond: round(operatorRate),
            operatorRatioToCeiling: round(operatorRate / ceilingRate, 3),
          }
        : {}),
    },
  };
}
