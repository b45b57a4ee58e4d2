/**
 * A Sync's objects and what they own (pure): each inventory entry as a row with its health and
 * drift, and below it the objects whose ownerReferences name it (Deployment → ReplicaSet → Pod).
 */
import type { DriftedObject, InventoryEntry } from '../../api/index.ts';
import {
  objectIdOf,
  objectKey,
  parseApiVersion,
  type KubeObject,
  type ObjectId,
} from '../../core/index.ts';
import { assessHealth } from '../../health/index.ts';

export type TreeNode = ObjectId & {
  /** kstatus health, or `Missing` when the object is not live. */
  readonly health: string;
  readonly message: string;
  /** For the Sync's own objects: `InSync`, `Deleted`, or the drifted field paths. */
  readonly drift?: string;
  readonly children: readonly TreeNode[];
};

export type TreeInput = {
  readonly entries: readonly InventoryEntry[];
  /** The live object of each entry, by objectKey (absent: not live). */
  readonly live: ReadonlyMap<string, KubeObject>;
  /** Objects that may be owned by others (ReplicaSets, Pods, Jobs …), any order. */
  readonly owned: readonly KubeObject[];
  readonly drift: readonly DriftedObject[];
  readonly now: Date;
};

/** How far down ownership is followed (CronJob → Job → Pod is three). */
export const MAX_TREE_DEPTH = 4;

function ownerUids(obj: KubeObject): string[] {
  const refs = obj.metadata.ownerReferences ?? [];
  return refs.flatMap((r) =>
    typeof r === 'object' && r !== null && typeof (r as { uid?: unknown }).uid === 'string'
      ? [(r as { uid: string }).uid]
      : [],
  );
}

function driftOf(id: ObjectId, drift: readonly DriftedObject[]): string {
  const d = drift.find((o) => objectKey(o) === objectKey(id));
  if (!d) return 'InSync';
  if (d.deleted) return 'Deleted';
  return (d.fields ?? []).map((f) => f.path).join(', ') || 'Diverged';
}

const byName = (a: KubeObject, b: KubeObject): number => {
  const x = `${a.kind}/${a.metadata.name ?? ''}`;
  const y = `${b.kind}/${b.metadata.name ?? ''}`;
  return x < y ? -1 : x > y ? 1 : 0;
};

function childrenOf(
  owner: KubeObject,
  byOwner: ReadonlyMap<string, KubeObject[]>,
  input: TreeInput,
  depth: number,
): TreeNode[] {
  const uid = owner.metadata.uid;
  if (!uid || depth >= MAX_TREE_DEPTH) return [];
  return (byOwner.get(uid) ?? [])
    .slice()
    .sort(byName)
    .map((child) => {
      const health = assessHealth(child, { now: input.now });
      return {
        ...objectIdOf(child),
        health: health.status,
        message: health.message,
        children: childrenOf(child, byOwner, input, depth + 1),
      };
    });
}

/** The rows in inventory order, each with its owned objects sorted by kind and name. */
export function buildTree(input: TreeInput): TreeNode[] {
  const byOwner = new Map<string, KubeObject[]>();
  for (const o of input.owned) {
    for (const uid of ownerUids(o)) byOwner.set(uid, [...(byOwner.get(uid) ?? []), o]);
  }
  return input.entries.map((entry) => {
    const id: ObjectId = {
      group: entry.group,
      kind: entry.kind,
      namespace: entry.namespace,
      name: entry.name,
    };
    const live = input.live.get(objectKey(id));
    const drift = driftOf(id, input.drift);
    if (!live) return { ...id, health: 'Missing', message: 'not found live', drift, children: [] };
    const health = assessHealth(live, { now: input.now });
    const children = childrenOf(live, byOwner, input, 1);
    return { ...id, health: health.status, message: health.message, drift, children };
  });
}

/** The kinds that objects of `apiVersion`/`kind` own, by controller convention. */
export function ownedKinds(
  apiVersion: string,
  kind: string,
): { apiVersion: string; kind: string }[] {
  const { group } = parseApiVersion(apiVersion);
  return OWNED.get(group ? `${group}/${kind}` : kind) ?? [];
}

const POD = { apiVersion: 'v1', kind: 'Pod' };
const OWNED: ReadonlyMap<string, { apiVersion: string; kind: string }[]> = new Map([
  ['apps/Deployment', [{ apiVersion: 'apps/v1', kind: 'ReplicaSet' }]],
  ['apps/ReplicaSet', [POD]],
  ['apps/StatefulSet', [POD]],
  ['apps/DaemonSet', [POD]],
  ['batch/Job', [POD]],
  ['batch/CronJob', [{ apiVersion: 'batch/v1', kind: 'Job' }]],
]);
