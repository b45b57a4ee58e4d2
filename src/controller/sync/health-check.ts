/**
 * One look at the health of every desired object (spec.wait), never a wait: the objects as the
 * apply left them or as the cache holds them since, whichever is newer; a GET for the rest.
 */
import { assessObjects, type ApplyOutcome, type HealthReport } from '../../apply/index.ts';
import { objectIdOf, objectKey, type Clock, type KubeObject } from '../../core/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import { finishedHealth, type JobSettlement } from '../finished-jobs.ts';
import type { LiveLookup } from './drift.ts';
import type { Revision } from './apply.ts';

/** The newer of two versions of one object (etcd resource versions are integers). */
function newerOf(a: KubeObject | undefined, b: KubeObject | undefined): KubeObject | undefined {
  if (!a || !b) return a ?? b;
  const x = Number(a.metadata.resourceVersion);
  const y = Number(b.metadata.resourceVersion);
  if (Number.isSafeInteger(x) && Number.isSafeInteger(y)) return y >= x ? b : a;
  return a.metadata.resourceVersion === b.metadata.resourceVersion ? b : a;
}

export type HealthHandles = {
  readonly kube: KubeClient;
  readonly cluster: { readonly live: LiveLookup };
  readonly clock: Clock;
  readonly concurrency: number;
};

export async function assessHealth(
  h: HealthHandles,
  rev: Pick<Revision, 'sync' | 'desired'>,
  outcome: ApplyOutcome,
  finishedJobs: () => JobSettlement,
  signal: AbortSignal,
): Promise<HealthReport | undefined> {
  if (!rev.sync.spec.wait) return undefined;
  const applied = new Map(outcome.applied.map((o) => [objectKey(objectIdOf(o)), o]));
  return assessObjects(h.kube, rev.desired, {
    signal,
    clock: h.clock,
    concurrency: h.concurrency,
    live: (obj) => newerOf(applied.get(objectKey(objectIdOf(obj))), h.cluster.live(obj)),
    // A Job its TTL removed once it finished is as healthy as it ended.
    gone: (obj) => {
      const record = finishedJobs().done.get(objectKey(objectIdOf(obj)));
      return record ? finishedHealth(obj, record) : undefined;
    },
  });
}
