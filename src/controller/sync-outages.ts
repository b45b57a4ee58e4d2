/**
 * Syncs whose reconcile ended while the API server did not answer, or that were due meanwhile:
 * not reconciled while it does not answer (every request would fail; the probe alone asks),
 * requeued the moment it answers again (not after their retry backoff), and told the outage for
 * their next status write. A reconcile that outlived an outage (its requests waited, then went
 * through) is told it too: an outage that began and ended while it ran is reported before it
 * writes its own result.
 */
import type { ApiReachability, Outage } from './api-reachability.ts';
import type { OutageNotes } from './sync/outage.ts';

export type SyncOutages = OutageNotes & {
  /** A reconcile of `key` begins: an outage that ends before it does is reported by it. */
  readonly began: (key: string) => void;
  /**
   * A reconcile of `key` ended: remembered when the API server does not answer now; one that
   * succeeded once it answers again already wrote the news, so nothing is left to report.
   */
  readonly ended: (key: string, succeeded: boolean) => void;
  /** The API server does not answer now: `key` is not reconciled until it does (true), or it is. */
  readonly deferred: (key: string) => boolean;
  readonly forget: (key: string) => void;
  /** Entries remembered (for `moor_remembered_entries`). */
  readonly size: () => number;
};

export function trackSyncOutages(
  reachability: Pick<ApiReachability, 'down' | 'onReturn'>,
  requeue: (key: string) => void,
): SyncOutages {
  const waiting = new Set<string>();
  const running = new Set<string>();
  const toReport = new Map<string, Outage>();
  reachability.onReturn((outage) => {
    for (const key of running) toReport.set(key, outage);
    const keys = [...waiting];
    waiting.clear();
    for (const key of keys) {
      toReport.set(key, outage);
      requeue(key);
    }
  });
  return {
    began: (key) => {
      running.add(key);
    },
    ended: (key, succeeded) => {
      running.delete(key);
      if (reachability.down()) waiting.add(key);
      else if (succeeded) toReport.delete(key);
    },
    deferred: (key) => {
      if (!reachability.down()) return false;
      waiting.add(key);
      return true;
    },
    pending: (key) => toReport.get(key),
    reported: (key) => {
      toReport.delete(key);
    },
    forget: (key) => {
      waiting.delete(key);
      running.delete(key);
      toReport.delete(key);
    },
    size: () => waiting.size + running.size + toReport.size,
  };
}
