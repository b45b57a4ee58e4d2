// The Sync of N ConfigMaps (one file each, file:// repository) that push-to-converged, no-op
// reconcile and drift correction share: one namespace, one operator, one GitRepository `src`,
// one Sync `cms`.
import type { TestRepo } from '../../test/helpers/git-server.ts';
import { fileUrl } from '../../test/helpers/git-server.ts';
import {
  createNamespace,
  deleteNamespaces,
  startBenchOperator,
  type BenchContext,
} from './context.ts';
import type { BenchOperator } from './operator.ts';
import { createConfigMapRepo } from './repo.ts';
import { applyAs, MOOR_API, sourceObject, syncObject, waitQuiet } from './resources.ts';
import { isReadyOn, trackKind, type Tracker } from './watch.ts';

export const SOURCE = 'src';
export const SYNC = 'cms';
const PATH = 'cms';

export type ConfigMapSync = {
  readonly namespace: string;
  readonly operator: BenchOperator;
  readonly repo: TestRepo;
  readonly names: readonly string[];
  /** Watches the Syncs of the namespace. */
  readonly syncs: Tracker;
  /** Sets the GitRepository's and the Sync's spec.interval, then waits until the operator is quiet. */
  setIntervals(intervals: { source: string; sync: string }): Promise<void>;
  close(): Promise<void>;
};

export async function createConfigMapSync(ctx: BenchContext): Promise<ConfigMapSync> {
  const namespace = await createNamespace(ctx, 'cms');
  const cleanups: (() => Promise<void>)[] = [() => deleteNamespaces(ctx, [namespace])];
  const close = async (): Promise<void> => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  };
  try {
    const { repo, names } = await createConfigMapRepo(PATH, ctx.sizes.objects);
    cleanups.push(() => repo.close());
    const operator = await startBenchOperator(ctx, namespace);
    cleanups.push(() => operator.stop());
    const syncs = await trackKind(
      ctx.kube,
      { apiVersion: MOOR_API, kind: 'Sync', namespace },
      ctx.signal,
    );
    cleanups.push(() => Promise.resolve(syncs.stop()));
    const setIntervals = async (intervals: { source: string; sync: string }): Promise<void> => {
      await applyAs(ctx, sourceObject(namespace, SOURCE, fileUrl(repo), intervals.source));
      await applyAs(
        ctx,
        syncObject(namespace, SYNC, { source: SOURCE, path: PATH, interval: intervals.sync }),
      );
      await waitQuiet(operator, 1_000, { kind: 'Sync', timeoutMs: 15_000 });
    };
    const head = await repo.revParse('HEAD');
    await applyAs(ctx, sourceObject(namespace, SOURCE, fileUrl(repo), '1h'));
    await applyAs(ctx, syncObject(namespace, SYNC, { source: SOURCE, path: PATH, interval: '1h' }));
    await syncs.waitFor(SYNC, isReadyOn(head), 300_000);
    ctx.log(`  ${names.length} ConfigMaps applied by Sync ${namespace}/${SYNC}`);
    return { namespace, operator, repo, names, syncs, setIntervals, close };
  } catch (error) {
    await close();
    throw error;
  }
}
