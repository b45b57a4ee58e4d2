import type { KubeObject, ObjectId } from '../core/index.ts';
import { objectIdOf, objectKey, parseApiVersion } from '../core/index.ts';

/** One applied object as a Sync's `status.inventory.entries[]` records it. */
export type InventoryEntry = ObjectId & {
  /** API version the object was applied with (`v1`, `v1beta1`): how to read it back. */
  readonly version: string;
};

export function inventoryEntryOf(obj: KubeObject): InventoryEntry {
  return { ...objectIdOf(obj), version: parseApiVersion(obj.apiVersion).version };
}

/** `version` aside, an entry is its object id. */
export function entryKey(entry: ObjectId): string {
  return objectKey({
    group: entry.group,
    kind: entry.kind,
    namespace: entry.namespace,
    name: entry.name,
  });
}

export type InventoryDiff = {
  /** In `next`, not in `previous` (in `next`'s order). */
  readonly added: InventoryEntry[];
  /** In `previous`, not in `next` (in `previous`'s order): what pruning deletes. */
  readonly removed: InventoryEntry[];
};

/**
 * What changed between two inventories, by object id (group, kind, namespace, name): the same
 * object recorded under another version is neither added nor removed.
 */
export function diffInventory(
  previous: readonly InventoryEntry[],
  next: readonly InventoryEntry[],
): InventoryDiff {
  const before = new Set(previous.map(entryKey));
  const after = new Set(next.map(entryKey));
  return {
    added: next.filter((e) => !before.has(entryKey(e))),
    removed: previous.filter((e) => !after.has(entryKey(e))),
  };
}
