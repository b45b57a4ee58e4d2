/**
 * The difference between two entries of a Sync's history (pure): which objects the newer one's
 * inventory added and removed against the older one's, and which objects the applies after the
 * older one up to the newer one configured (changed). The ring keeps object names, not their
 * content, so no field diff can be rebuilt from it: `changedComplete` says whether every changed
 * object is listed (each record lists at most OBJECTS_LISTED_LIMIT per action).
 */
import { inventoryAt, type HistoryRecord, type HistoryRing } from './record.ts';

export type HistoryDiff = {
  /** The older entry and the newer one. */
  readonly from: HistoryRecord;
  readonly to: HistoryRecord;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** In both inventories and configured by an apply after `from` up to and including `to`. */
  readonly changed: readonly string[];
  readonly changedComplete: boolean;
  /** Applies after `from` up to and including `to`. */
  readonly applies: number;
};

export class HistoryEntryNotFound extends Error {
  override readonly name = 'HistoryEntryNotFound';
}

/** The index of the record that started at `startedAt` (ISO); -1 when none did. */
function indexOf(ring: HistoryRing, startedAt: string): number {
  const t = Date.parse(startedAt);
  if (Number.isNaN(t)) return -1;
  return ring.records.findIndex((r) => Date.parse(r.startedAt) === t);
}

/** The diff between the entries started at `a` and `b` (either order); throws naming `subject`. */
export function diffHistoryEntries(
  ring: HistoryRing,
  a: string,
  b: string,
  subject: string,
): HistoryDiff {
  const ia = indexOf(ring, a);
  const ib = indexOf(ring, b);
  for (const [at, i] of [
    [a, ia],
    [b, ib],
  ] as const) {
    if (i < 0)
      throw new HistoryEntryNotFound(
        `${subject}: no apply started at ${JSON.stringify(at)} in its history`,
      );
  }
  // Newest first: the larger index is the older entry.
  const older = Math.max(ia, ib);
  const newer = Math.min(ia, ib);
  const before = inventoryAt(ring, older);
  const after = inventoryAt(ring, newer);
  const beforeSet = new Set(before);
  const afterSet = new Set(after);
  const changed = new Set<string>();
  let changedComplete = true;
  for (let i = newer; i < older; i++) {
    const r = ring.records[i];
    const listed = r?.objects?.configured ?? [];
    if (r && listed.length < r.configured) changedComplete = false;
    for (const id of listed) if (beforeSet.has(id) && afterSet.has(id)) changed.add(id);
  }
  const from = ring.records[older];
  const to = ring.records[newer];
  if (!from || !to) throw new HistoryEntryNotFound(`${subject}: history changed while read`);
  return {
    from,
    to,
    added: after.filter((id) => !beforeSet.has(id)),
    removed: before.filter((id) => !afterSet.has(id)),
    changed: [...changed].sort(),
    changedComplete,
    applies: older - newer,
  };
}
