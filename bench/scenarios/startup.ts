// Start-up and log volume with many Syncs: S Syncs of one ConfigMap each (one GitRepository), all
// Ready; then the operator is restarted on the same artifact store, and timed from spawn until it
// reports ready (informers listed, artifacts restored, HTTP ready). Then, with the Syncs' interval
// at the log window, the log bytes the operator writes while reconciling with nothing changed.
import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import type { KubeObject } from '../../src/core/index.ts';
import { fileUrl } from '../../test/helpers/git-server.ts';
import {
  createNamespace,
  deleteNamespaces,
  startBenchOperator,
  withCleanup,
  type BenchContext,
} from '../lib/context.ts';
import type { BenchOperator } from '../lib/operator.ts';
import { createPathsRepo } from '../lib/repo.ts';
import {
  applyAs,
  MOOR_API,
  reconcileCount,
  sourceObject,
  syncObject,
  waitQuiet,
} from '../lib/resources.ts';
import { median, round } from '../lib/stats.ts';
import { conditionOf, isReadyOn, trackKind } from '../lib/watch.ts';

const SOURCE = 'src';
const CREATE_CONCURRENCY = 32;
const RESTARTS = 3;

const sizeOf = async (path: string): Promise<number> => (await stat(path)).size;

/** Restarts the operator `RESTARTS` times; the median spawn → ready, and the last operator. */
async function timeRestarts(
  ctx: BenchContext,
  namespace: string,
  first: BenchOperator,
): Promise<{ readyMs: number[]; operator: BenchOperator }> {
  let operator = first;
  const readyMs: number[] = [];
  for (let i = 0; i < RESTARTS; i++) {
    await operator.stop();
    const started = performance.now();
    operator = await startBenchOperator(ctx, namespace);
    readyMs.push(performance.now() - started);
  }
  return { readyMs, operator };
}

/** Log bytes written over a window of interval-driven reconciles with nothing changed. */
async function measureLogs(ctx: BenchContext, operator: BenchOperator, syncs: number) {
  await waitQuiet(operator, 2_000, { kind: 'Sync', timeoutMs: 120_000 });
  const bytesBefore = await sizeOf(operator.logPath);
  const reconcilesBefore = await reconcileCount(operator, 'Sync');
  await sleep(ctx.sizes.logWindowSeconds * 1000);
  const bytes = (await sizeOf(operator.logPath)) - bytesBefore;
  const reconciles = (await reconcileCount(operator, 'Sync')) - reconcilesBefore;
  return {
    windowSeconds: ctx.sizes.logWindowSeconds,
    reconciles,
    bytes,
    bytesPerReconcile: reconciles > 0 ? round(bytes / reconciles, 1) : null,
    /** One interval: every Sync reconciled once. */
    bytesPerInterval: reconciles > 0 ? Math.round((bytes / reconciles) * syncs) : null,
  };
}

export async function runStartup(ctx: BenchContext): Promise<Record<string, unknown>> {
  const { startupSyncs, logWindowSeconds } = ctx.sizes;
  const { repo, paths } = await createPathsRepo('st', startupSyncs, 1);
  return withCleanup(async (defer) => {
    defer(() => repo.close());
    const namespace = await createNamespace(ctx, 'startup');
    defer(() => deleteNamespaces(ctx, [namespace]));
    const first = await startBenchOperator(ctx, namespace);
    const target = { apiVersion: MOOR_API, namespace };
    const sources = await trackKind(ctx.kube, { ...target, kind: 'GitRepository' }, ctx.signal);
    defer(() => Promise.resolve(sources.stop()));
    const syncs = await trackKind(ctx.kube, { ...target, kind: 'Sync' }, ctx.signal);
    defer(() => Promise.resolve(syncs.stop()));
    await applyAs(ctx, sourceObject(namespace, SOURCE, fileUrl(repo), '1h'));
    await sources.waitFor(SOURCE, (o) => conditionOf(o, 'Ready')?.status === 'True', 120_000);
    const limit = pLimit(CREATE_CONCURRENCY);
    const interval = `${logWindowSeconds}s`;
    await Promise.all(
      paths.map((path) =>
        limit(() => applyAs(ctx, syncObject(namespace, path, { source: SOURCE, path, interval }))),
      ),
    );
    const readyOn = isReadyOn(await repo.revParse('HEAD'));
    const allReady = (all: readonly KubeObject[]) => all.filter(readyOn).length >= paths.length;
    await syncs.waitForAll(allReady, Math.max(300_000, paths.length * 500));
    ctx.log(`  ${paths.length} Syncs Ready; restarting the operator ${RESTARTS} times`);
    const { readyMs, operator } = await timeRestarts(ctx, namespace, first);
    defer(() => operator.stop());
    const logs = await measureLogs(ctx, operator, paths.length);
    const result = {
      syncs: paths.length,
      readyMs: round(median(readyMs)),
      runs: readyMs.map((ms) => round(ms)),
      noopLogs: logs,
    };
    ctx.log(`  ${JSON.stringify(result)}`);
    return { startup: result };
  });
}
