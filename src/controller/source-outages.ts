/**
 * GitRepositories whose reconcile ended while the API server did not answer, or that were due
 * meanwhile: not reconciled while it does not answer (their status could not be written, nor a
 * credentials Secret read), and requeued the moment it answers again, so that their status
 * catches up at once instead of at their next interval or after their retry backoff (ADR 0015).
 */
import type { ApiReachability } from './api-reachability.ts';

export type SourceOutages = {
  /** The API server does not answer now: `key` waits until it does (true), or it is reconciled. */
  readonly deferred: (key: string) => boolean;
  /** A reconcile of `key` ended: remembered when the API server does not answer now. */
  readonly ended: (key: string) => void;
  readonly forget: (key: string) => void;
  /** Entries remembered. */
  readonly size: () => number;
};

export function trackSourceOutages(
  reachability: Pick<ApiReachability, 'down' | 'onReturn'>,
  requeue: (key: string) => void,
): SourceOutages {
  const waiting = new Set<string>();
  reachability.onReturn(() => {
    const keys = [...waiting];
    waiting.clear();
    for (const key of keys) requeue(key);
  });
  return {
    deferred: (key) => {
      if (!reachability.down()) return false;
      waiting.add(key);
      return true;
    },
    ended: (key) => {
      if (reachability.down()) waiting.add(key);
    },
    forget: (key) => {
      waiting.delete(key);
    },
    size: () => waiting.size,
  };
}
