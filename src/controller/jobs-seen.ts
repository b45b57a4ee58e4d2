/**
 * The last state the live cache saw of each finished Job with a TTL, per Sync: the evidence that a
 * Job which then vanished was removed by its TTL, not deleted while it ran.
 */
import { type KubeObject, nameKeyOf } from '../core/index.ts';

export type JobsSeen = {
  remember(syncKey: string, job: KubeObject): void;
  of(syncKey: string): KubeObject[];
  forget(syncKey: string): void;
  /** Syncs with Jobs remembered. */
  size(): number;
};

export function rememberJobsSeen(): JobsSeen {
  const bySync = new Map<string, Map<string, KubeObject>>();
  return {
    remember(syncKey, job) {
      const jobs = bySync.get(syncKey) ?? new Map<string, KubeObject>();
      jobs.set(nameKeyOf(job), job);
      bySync.set(syncKey, jobs);
    },
    of: (syncKey) => [...(bySync.get(syncKey)?.values() ?? [])],
    forget(syncKey) {
      bySync.delete(syncKey);
    },
    size: () => bySync.size,
  };
}
