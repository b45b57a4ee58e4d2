/** Pure pieces of the Sync reconciler: conditions, history and inventory for a status write. */
import { HistoryResults, type HistoryEntry, type Sync } from '../../api/index.ts';
import {
  ConditionStatuses,
  ConditionTypes,
  removeCondition,
  setCondition,
  type Condition,
  type ConditionStatus,
} from '../../core/index.ts';
import { entryKey, type ChangeCounts, type InventoryEntry } from '../../plan/index.ts';

export type SyncStatus = NonNullable<Sync['status']>;

export const HISTORY_LIMIT = 10;

export function setConditions(
  conditions: readonly Condition[] | undefined,
  updates: readonly { type: string; status: ConditionStatus; reason: string; message: string }[],
  generation: number | undefined,
  now: Date,
): Condition[] {
  let next = [...(conditions ?? [])];
  for (const u of updates) next = setCondition(next, { ...u, observedGeneration: generation }, now);
  return next;
}

export const readyFalse = (reason: string, message: string) => ({
  type: ConditionTypes.Ready,
  status: ConditionStatuses.False,
  reason,
  message,
});

export function withoutReconciling(conditions: readonly Condition[]): Condition[] {
  return removeCondition(conditions, ConditionTypes.Reconciling);
}

/** Union of two inventories, first occurrence wins, sorted for a stable status. */
export function mergeInventories(
  a: readonly InventoryEntry[],
  b: readonly InventoryEntry[],
): InventoryEntry[] {
  const seen = new Map<string, InventoryEntry>();
  for (const list of [a, b])
    for (const e of list) {
      const key = entryKey(e);
      if (!seen.has(key)) seen.set(key, e);
    }
  // Each key is built once (not twice per comparison): a quiet reconcile merges every entry.
  const keys = [...seen.keys()].sort();
  return keys.map((key) => seen.get(key) as InventoryEntry);
}

export function sameInventory(a: readonly InventoryEntry[], b: readonly InventoryEntry[]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map(entryKey));
  return b.every((e) => keys.has(entryKey(e)));
}

/** A pending entry (applied, health undecided) completed by a later reconcile of its revision. */
function completeEntry(pending: HistoryEntry, entry: HistoryEntry, changed: boolean): HistoryEntry {
  const finished = entry.finishedAt ? Date.parse(entry.finishedAt) : Number.NaN;
  const durationMs = finished - Date.parse(pending.startedAt);
  return {
    ...entry,
    startedAt: pending.startedAt,
    message: changed ? entry.message : pending.message,
    created: pending.created + entry.created,
    configured: pending.configured + entry.configured,
    deleted: pending.deleted + entry.deleted,
    ...(Number.isFinite(durationMs) ? { durationMs } : {}),
  };
}

/**
 * Adds a history entry when something happened: a new revision, a change, or a new failure.
 * A reconcile that changed nothing leaves the history as it was. An entry still Progressing
 * (waiting for health) is completed in place by the next reconcile of its revision.
 */
export function appendHistory(
  history: readonly HistoryEntry[] | undefined,
  entry: HistoryEntry,
  counts: ChangeCounts,
): HistoryEntry[] {
  const list = [...(history ?? [])];
  const last = list[0];
  const changed = counts.created + counts.configured + counts.deleted > 0;
  if (last?.revision === entry.revision && last.result === HistoryResults.Progressing) {
    if (entry.result === HistoryResults.Progressing && !changed) return list;
    return [completeEntry(last, entry, changed), ...list.slice(1)];
  }
  const same = last && last.revision === entry.revision && last.result === entry.result;
  if (same && !changed) return list;
  return [entry, ...list].slice(0, HISTORY_LIMIT);
}
