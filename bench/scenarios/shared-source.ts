// Push on a shared source: S Syncs of K ConfigMaps on one GitRepository (one path each); commits
// that each change one ConfigMap of one Sync's path, with a generic Receiver called right after.
// Per commit: the time until the changed Sync is Ready on it, and until all S are.
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
import { callWebhook, createReceiver } from '../lib/receiver.ts';
import { benchConfigMap, createPathsRepo } from '../lib/repo.ts';
import { applyAs, MOOR_API, sourceObject, syncObject, waitQuiet } from '../lib/resources.ts';
import { latencyMs } from '../lib/stats.ts';
import { conditionOf, isReadyOn, trackKind } from '../lib/watch.ts';

const SOURCE = 'src';
const PREFIX = 'app';
const CREATE_CONCURRENCY = 32;
const CONVERGE_TIMEOUT_MS = 120_000;

/** The file of one path, with the first ConfigMap at `generation` (the rest as created). */
function pathFile(path: number, perPath: number, generation: number): string {
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  const docs = Array.from({ length: perPath }, (_, i) =>
    benchConfigMap(`${PREFIX}${pad(path, 4)}-cm-${pad(i, 5)}`, i === 0 ? generation : 0),
  );
  return docs.join('---\n');
}

export async function runSharedSource(ctx: BenchContext): Promise<Record<string, unknown>> {
  const { sharedSyncs: syncCount, objectsPerSync, commits } = ctx.sizes;
  const { repo, paths } = await createPathsRepo(PREFIX, syncCount, objectsPerSync);
  return withCleanup(async (defer) => {
    defer(() => repo.close());
    const namespace = await createNamespace(ctx, 'shared');
    defer(() => deleteNamespaces(ctx, [namespace]));
    const operator = await startBenchOperator(ctx, namespace);
    defer(() => operator.stop());
    const target = { apiVersion: MOOR_API, namespace };
    const sources = await trackKind(ctx.kube, { ...target, kind: 'GitRepository' }, ctx.signal);
    defer(() => Promise.resolve(sources.stop()));
    const syncs = await trackKind(ctx.kube, { ...target, kind: 'Sync' }, ctx.signal);
    defer(() => Promise.resolve(syncs.stop()));
    await applyAs(ctx, sourceObject(namespace, SOURCE, fileUrl(repo), '1h'));
    await sources.waitFor(SOURCE, (o) => conditionOf(o, 'Ready')?.status === 'True', 120_000);
    const limit = pLimit(CREATE_CONCURRENCY);
    await Promise.all(
      paths.map((path) =>
        limit(() =>
          applyAs(ctx, syncObject(namespace, path, { source: SOURCE, path, interval: '1h' })),
        ),
      ),
    );
    const allReadyOn = (sha: string) => (all: readonly KubeObject[]) =>
      all.filter(isReadyOn(sha)).length >= paths.length;
    await syncs.waitForAll(allReadyOn(await repo.revParse('HEAD')), 300_000);
    const hook = `${operator.url}${await createReceiver(ctx, namespace, SOURCE)}`;
    await waitQuiet(operator, 1_000, { kind: 'Sync', timeoutMs: 30_000 });
    ctx.log(`  ${paths.length} Syncs of ${objectsPerSync} ConfigMaps Ready on one source`);

    const changed: number[] = [];
    const all: number[] = [];
    for (let i = 0; i < commits; i++) {
      const p = (i * 37) % paths.length;
      const path = paths[p] ?? '';
      const sha = await repo.commit({
        [`${path}/objects.yaml`]: pathFile(p, objectsPerSync, i + 1),
      });
      const committed = performance.now();
      const one = syncs.waitFor(path, isReadyOn(sha), CONVERGE_TIMEOUT_MS);
      const every = syncs.waitForAll(allReadyOn(sha), CONVERGE_TIMEOUT_MS);
      await callWebhook(hook);
      changed.push((await one).at - committed);
      all.push((await every) - committed);
      await sleep(200);
    }
    const result = {
      syncs: paths.length,
      objectsPerSync,
      commits,
      changedApplied: latencyMs(changed),
      allAtRevision: latencyMs(all),
    };
    ctx.log(`  ${JSON.stringify(result)}`);
    return { sharedSource: result };
  });
}
