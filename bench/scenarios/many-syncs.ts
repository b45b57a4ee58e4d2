// Many Syncs: S Syncs of K ConfigMaps each (one GitRepository, one path per Sync), created at
// once; the time until every one is Ready on the source's revision, and the operator's peak RSS.
// Once per operator --concurrency.
import pLimit from 'p-limit';
import type { TestRepo } from '../../test/helpers/git-server.ts';
import { fileUrl } from '../../test/helpers/git-server.ts';
import {
  createNamespace,
  deleteNamespaces,
  startBenchOperator,
  withCleanup,
  type BenchContext,
} from '../lib/context.ts';
import { readHeap } from '../lib/operator.ts';
import { subtractCounts, sumBy } from '../lib/prometheus.ts';
import { createPathsRepo } from '../lib/repo.ts';
import { applyAs, MOOR_API, sourceObject, syncObject } from '../lib/resources.ts';
import { round } from '../lib/stats.ts';
import { conditionOf, isReadyOn, trackKind } from '../lib/watch.ts';

const CREATE_CONCURRENCY = 32;

type Run = {
  concurrency: number;
  readySeconds: number | null;
  ready: number;
  peakRssMiB: number;
  rssMiB: number;
  cpuSeconds: number;
  heapUsedMiB: number;
  /** API requests the operator sent per Sync, by verb, from creation to all Ready. */
  requestsPerSync: Record<string, number>;
};

async function measureRun(
  ctx: BenchContext,
  repo: TestRepo,
  paths: readonly string[],
  concurrency: number,
): Promise<Run> {
  return withCleanup(async (defer) => {
    const namespace = await createNamespace(ctx, 'many');
    defer(() => deleteNamespaces(ctx, [namespace]));
    const operator = await startBenchOperator(ctx, namespace, { concurrency });
    defer(() => operator.stop());
    const target = { apiVersion: MOOR_API, namespace };
    const sources = await trackKind(ctx.kube, { ...target, kind: 'GitRepository' }, ctx.signal);
    defer(() => Promise.resolve(sources.stop()));
    const syncs = await trackKind(ctx.kube, { ...target, kind: 'Sync' }, ctx.signal);
    defer(() => Promise.resolve(syncs.stop()));
    await applyAs(ctx, sourceObject(namespace, 'src', fileUrl(repo), '1h'));
    await sources.waitFor('src', (o) => conditionOf(o, 'Ready')?.status === 'True', 120_000);
    const sha = await repo.revParse('HEAD');
    const cpuBefore = await operator.cpuMs();
    const requestsBefore = sumBy(await operator.metrics(), 'moor_api_requests_total', 'verb');
    const started = performance.now();
    const limit = pLimit(CREATE_CONCURRENCY);
    await Promise.all(
      paths.map((path) =>
        limit(() =>
          applyAs(ctx, syncObject(namespace, path, { source: 'src', path, interval: '1h' })),
        ),
      ),
    );
    const readyOn = isReadyOn(sha);
    const countReady = (): number => syncs.all().filter(readyOn).length;
    // Bounded: at least 2 minutes, else 0.5 s per Sync.
    const timeoutMs = Math.max(120_000, paths.length * 500);
    let readySeconds: number | null = null;
    try {
      const at = await syncs.waitForAll(
        (all) => all.filter(readyOn).length >= paths.length,
        timeoutMs,
      );
      readySeconds = (at - started) / 1000;
    } catch (error) {
      ctx.log(`  ${(error as Error).message}: ${countReady()} of ${paths.length} Ready`);
    }
    const memory = await operator.memory();
    const heap = await readHeap(operator);
    const cpuSeconds = ((await operator.cpuMs()) - cpuBefore) / 1000;
    const requests = subtractCounts(
      sumBy(await operator.metrics(), 'moor_api_requests_total', 'verb'),
      requestsBefore,
    );
    const requestsPerSync = Object.fromEntries(
      Object.entries(requests).map(([verb, n]) => [verb, round(n / paths.length, 2)]),
    );
    return {
      concurrency,
      readySeconds: readySeconds === null ? null : round(readySeconds, 2),
      ready: countReady(),
      peakRssMiB: round(memory.peakRssMiB),
      rssMiB: round(memory.rssMiB),
      cpuSeconds: round(cpuSeconds, 2),
      heapUsedMiB: heap.heapUsedMiB,
      requestsPerSync,
    };
  });
}

export async function runManySyncs(ctx: BenchContext): Promise<Record<string, unknown>> {
  const { syncs, objectsPerSync, concurrencies } = ctx.sizes;
  const { repo, paths } = await createPathsRepo('s', syncs, objectsPerSync);
  const runs: Run[] = [];
  try {
    for (const concurrency of concurrencies) {
      const run = await measureRun(ctx, repo, paths, concurrency);
      runs.push(run);
      ctx.log(`  --concurrency ${concurrency}: ${JSON.stringify(run)}`);
    }
  } finally {
    await repo.close();
  }
  const [first] = runs;
  if (!first) throw new Error('many-syncs: no concurrency to run (--concurrencies)');
  return {
    manySyncs: {
      syncs,
      objectsPerSync,
      runs: 1,
      ...first,
      byConcurrency: Object.fromEntries(runs.map((r) => [String(r.concurrency), r])),
    },
  };
}
