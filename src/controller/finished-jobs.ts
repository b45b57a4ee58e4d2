/**
 * Jobs removed by their `ttlSecondsAfterFinished`. A Job that finished (Complete or Failed) and was
 * then deleted by the TTL controller is done for its rendered spec: Moor does not re-create it,
 * does not count it as drift, and takes how it ended as its health, until Git changes the Job.
 * A finished Job is known from the live cache (it was seen finished, or the watch's DELETED event
 * carried its final state) or from `status.finishedJobs`, which keeps it across restarts. Pure.
 */
import { createHash } from 'node:crypto';
import type { FinishedJob } from '../api/index.ts';
import {
  objectIdOf,
  objectKey,
  parseApiVersion,
  stableStringify,
  type KubeObject,
  nameKey,
} from '../core/index.ts';
import { matchesDesired } from '../drift/index.ts';
import { HealthStatus, type Health } from '../health/index.ts';

export const isJob = (obj: KubeObject): boolean =>
  obj.kind === 'Job' && parseApiVersion(obj.apiVersion).group === 'batch';

/** The digest of a rendered object: the same manifest gives the same digest. */
export function digestOf(obj: KubeObject): string {
  return `sha256:${createHash('sha256').update(stableStringify(obj)).digest('hex')}`;
}

type JobCondition = { type?: string; status?: string; reason?: string; message?: string };

/**
 * How a live Job ended, when a TTL will remove it once finished; undefined while it runs, or when
 * it has no `ttlSecondsAfterFinished` (then it stays, and a deleted one is ordinary drift).
 */
export function ttlFinishOf(live: KubeObject): Pick<FinishedJob, 'result' | 'message'> | undefined {
  if (!isJob(live)) return undefined;
  const ttl = (live.spec as { ttlSecondsAfterFinished?: unknown } | undefined)
    ?.ttlSecondsAfterFinished;
  if (typeof ttl !== 'number') return undefined;
  const conditions = (live.status as { conditions?: JobCondition[] } | undefined)?.conditions ?? [];
  for (const c of conditions) {
    if (c.status !== 'True') continue;
    if (c.type === 'Complete') return { result: 'Complete', message: 'completed' };
    if (c.type === 'Failed') {
      const why = [c.reason, c.message].filter(Boolean).join(': ');
      return { result: 'Failed', message: why ? `failed (${why})` : 'failed' };
    }
  }
  return undefined;
}

/** The record of `live` having finished as `desired` renders it; undefined if it did not. */
export function finishedRecordOf(
  desired: KubeObject,
  live: KubeObject,
  revision: string,
): FinishedJob | undefined {
  const finish = ttlFinishOf(live);
  if (!finish || !matchesDesired(desired, live)) return undefined;
  return {
    namespace: desired.metadata.namespace ?? '',
    name: desired.metadata.name ?? '',
    digest: digestOf(desired),
    ...finish,
    revision,
  };
}

export type JobSettlement = {
  /** Desired Jobs (by object key) that finished and are gone: not applied, not drift. */
  readonly done: ReadonlyMap<string, FinishedJob>;
  /** What `status.finishedJobs` keeps: finished Jobs whose rendered spec is still desired. */
  readonly records: FinishedJob[];
};

export type JobEvidence = {
  /** The live object in the cache; undefined when it is gone. */
  readonly live: (obj: KubeObject) => KubeObject | undefined;
  /** Last states of Jobs the cache saw finish (including the state they were deleted in). */
  readonly lastSeen: readonly KubeObject[];
  /** `status.finishedJobs` as last written. */
  readonly recorded: readonly FinishedJob[];
};

/** Which desired Jobs are done for this rendered spec, and what to record. */
export function settleFinishedJobs(
  desired: readonly KubeObject[],
  evidence: JobEvidence,
  revision: string,
): JobSettlement {
  const seen = new Map(
    evidence.lastSeen.map((o) => [nameKey(o.metadata.namespace, o.metadata.name), o]),
  );
  const done = new Map<string, FinishedJob>();
  const records: FinishedJob[] = [];
  for (const obj of desired) {
    if (!isJob(obj)) continue;
    const key = nameKey(obj.metadata.namespace, obj.metadata.name);
    const digest = digestOf(obj);
    const current = evidence.live(obj);
    const last = current ?? seen.get(key);
    const record =
      (last ? finishedRecordOf(obj, last, revision) : undefined) ??
      evidence.recorded.find((r) => nameKey(r.namespace, r.name) === key && r.digest === digest);
    if (!record) continue;
    records.push(record);
    const gone = !current || current.metadata.deletionTimestamp !== undefined;
    if (gone) done.set(objectKey(objectIdOf(obj)), record);
  }
  return { done, records };
}

/** The health of a Job that finished and was removed: how it ended. */
export function finishedHealth(obj: KubeObject, record: FinishedJob): Health {
  const name = `Job.batch/${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
  const text = `${name}: ${record.message ?? record.result}, then removed by its ttlSecondsAfterFinished`;
  return {
    status: record.result === 'Complete' ? HealthStatus.current : HealthStatus.failed,
    message: text,
  };
}
