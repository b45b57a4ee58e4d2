/**
 * Whether a new revision of a shared source leaves a Sync as it is: nothing its last render read
 * changed, its last apply succeeded and nothing drifted since. Such a Sync moves to the revision
 * without rendering or applying again. Pure: the Sync, its status, the artifact's changes, what
 * the last apply remembered and a lookup into the live cache.
 */
import type { Sync } from '../../api/index.ts';
import {
  Annotations,
  ConditionStatuses,
  ConditionTypes,
  getCondition,
  type KubeObject,
} from '../../core/index.ts';
import { matchesDesired } from '../../drift/index.ts';
import { inventoryEntryOf } from '../../plan/index.ts';
import { OUTSIDE_ARTIFACT } from '../../render/index.ts';
import type { ArtifactChanges } from '../../source/index.ts';
import { isDriftIgnored } from './drift-check.ts';
import type { LiveLookup } from './drift.ts';
import { sameInventory, type SyncStatus } from './status.ts';

/** What a Sync's last successful apply rendered, remembered until the next one. */
export type LastApply = {
  readonly revision: string;
  readonly generation: number | undefined;
  /** Paths its render read, relative to the artifact root (directories stand for their trees). */
  readonly reads: readonly string[];
  readonly desired: readonly KubeObject[];
};

/**
 * Whether any of `paths` is one of `reads` or lies under one of them; always when the render read
 * something outside the artifact.
 */
export function touchesReads(reads: readonly string[], paths: readonly string[]): boolean {
  if (reads.includes(OUTSIDE_ARTIFACT)) return true;
  return paths.some((p) => reads.some((r) => r === '' || p === r || p.startsWith(`${r}/`)));
}

/** True when the changes are counted from the revision last applied and miss what it read. */
export function unchangedFor(
  last: LastApply | undefined,
  changes: ArtifactChanges | undefined,
): last is LastApply {
  if (!last || !changes || changes.since !== last.revision) return false;
  return !touchesReads(last.reads, changes.paths);
}

/**
 * The Syncs a new artifact wakes, split: those it may change (in the given order), and those
 * whose last render read nothing that changed (they will likely be skipped, and go after every
 * other, in the queue's skip lane).
 */
export function changedFirst(
  syncKeys: readonly string[],
  lastApplies: ReadonlyMap<string, LastApply>,
  changes: ArtifactChanges | undefined,
): { readonly changed: string[]; readonly unchanged: string[] } {
  const changed: string[] = [];
  const unchanged: string[] = [];
  for (const k of syncKeys)
    (unchangedFor(lastApplies.get(k), changes) ? unchanged : changed).push(k);
  return { changed, unchanged };
}

/** Every object the last apply wrote is live as it wrote it (or deliberately left alone). */
function liveAsApplied(desired: readonly KubeObject[], live: LiveLookup): boolean {
  return desired.every((o) => {
    const current = live(o);
    if (!current || current.metadata.deletionTimestamp !== undefined) return false;
    return isDriftIgnored(o, current) || matchesDesired(o, current);
  });
}

/** The status says the last apply of this generation succeeded, converged, with nothing pending. */
function settled(sync: Sync, status: SyncStatus, last: LastApply): boolean {
  const ready = getCondition(status.conditions, ConditionTypes.Ready);
  const requested = sync.metadata.annotations?.[Annotations.reconcileRequestedAt];
  return (
    status.lastAppliedRevision === last.revision &&
    status.lastAttemptedRevision === last.revision &&
    status.observedGeneration === sync.metadata.generation &&
    last.generation === sync.metadata.generation &&
    ready?.status === ConditionStatuses.True &&
    status.drift === undefined &&
    status.healthWait === undefined &&
    (status.finishedJobs ?? []).length === 0 &&
    (requested === undefined || requested === status.lastHandledReconcileAt)
  );
}

/**
 * The remembered apply when `revision` can skip render and apply: a different revision whose
 * changes (counted from the revision last applied) touch nothing the last render read, the last
 * apply of this generation succeeded and converged, no reconcile was requested, the inventory is
 * what was rendered, and every object is live as applied.
 */
export function skippable(input: {
  readonly sync: Sync;
  readonly status: SyncStatus;
  readonly revision: string;
  readonly changes: ArtifactChanges | undefined;
  readonly last: LastApply | undefined;
  readonly live: LiveLookup;
}): LastApply | undefined {
  const { last, status } = input;
  if (!unchangedFor(last, input.changes) || last.revision === input.revision) return undefined;
  if (!settled(input.sync, status, last)) return undefined;
  const inventory = last.desired.map(inventoryEntryOf);
  if (!sameInventory(inventory, status.inventory?.entries ?? [])) return undefined;
  return liveAsApplied(last.desired, input.live) ? last : undefined;
}
