/**
 * Commit-to-converged time: from when a revision was first seen (its artifact published) to when a
 * Sync first converged on it. Converging again on the same revision (after drift, a spec edit, a
 * failed health check) is not a new measurement. Pure bookkeeping; the caller passes the time.
 */
export type CommitClock = {
  /** A source published this revision; only the first sighting counts. */
  seen(revision: string, atMs: number): void;
  /** Seconds from first sighting to this Sync's first convergence on it, else undefined. */
  converged(syncKey: string, revision: string, atMs: number): number | undefined;
  /** The Sync is gone. */
  forget(syncKey: string): void;
  /** Syncs and revisions remembered (revisions are bounded, not forgotten). */
  size(): { readonly syncs: number; readonly revisions: number };
};

/** Revisions remembered per Sync (a rollback to a recent one is not measured again). */
const PER_SYNC = 10;

export function createCommitClock(limit = 10_000): CommitClock {
  const firstSeen = new Map<string, number>();
  const observed = new Map<string, string[]>();
  return {
    seen(revision, atMs) {
      if (firstSeen.has(revision)) return;
      firstSeen.set(revision, atMs);
      // Oldest first: drop the oldest sighting beyond the limit.
      if (firstSeen.size > limit) firstSeen.delete(firstSeen.keys().next().value ?? '');
    },
    converged(syncKey, revision, atMs) {
      const done = observed.get(syncKey) ?? [];
      if (done.includes(revision)) return undefined;
      observed.set(syncKey, [revision, ...done].slice(0, PER_SYNC));
      const seen = firstSeen.get(revision);
      return seen === undefined ? undefined : (atMs - seen) / 1000;
    },
    forget(syncKey) {
      observed.delete(syncKey);
    },
    size: () => ({ syncs: observed.size, revisions: firstSeen.size }),
  };
}
