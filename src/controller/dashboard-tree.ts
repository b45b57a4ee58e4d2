/**
 * A Sync's object tree for the dashboard: each inventory entry as the live cache holds it, with
 * its health and drift, and below it what it owns (ReplicaSets, Pods, Jobs' Pods) found through
 * ownerReferences, as Argo CD draws it.
 */
import type { KubeObject } from '../core/index.ts';
import { assessHealth } from '../health/index.ts';
import type { KubeClient, LiveCache } from '../kube/index.ts';
import type { DriftFieldView, ObjectNode } from '../server/index.ts';

type Entry = { group: string; kind: string; namespace: string; name: string; version: string };
type DriftedObject = Omit<Entry, 'version'> & {
  deleted?: boolean;
  fields?: DriftFieldView[];
};

/** Kinds whose objects own others worth showing. */
const OWNERS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet']);
const CHILD_KINDS = [
  { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  { apiVersion: 'v1', kind: 'Pod' },
  { apiVersion: 'batch/v1', kind: 'Job' },
];

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function idOf(group: string, kind: string, namespace: string, name: string): string {
  return `${group}/${kind}/${namespace}/${name}`;
}

function entriesOf(sync: KubeObject): Entry[] {
  const entries = record(record(sync.status).inventory).entries;
  return Array.isArray(entries) ? (entries as Entry[]) : [];
}

function driftOf(sync: KubeObject): Map<string, DriftedObject> {
  const objects = record(record(sync.status).drift).objects;
  const drifted = new Map<string, DriftedObject>();
  if (Array.isArray(objects))
    for (const o of objects as DriftedObject[])
      drifted.set(idOf(o.group, o.kind, o.namespace, o.name), o);
  return drifted;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function nodeOf(
  obj: KubeObject | undefined,
  ids: { id: string; parent?: string; depth: number },
  shape: { apiVersion: string; kind: string; namespace: string; name: string },
  drift: DriftedObject | undefined,
  now: Date,
): ObjectNode {
  const health = obj ? assessHealth(obj, { now }) : { status: 'Missing', message: 'not live' };
  return {
    ...ids,
    ...shape,
    health: health.status,
    healthMessage: health.message,
    drifted: drift !== undefined,
    deleted: drift?.deleted === true || obj === undefined,
    drift: drift?.fields ?? [],
  };
}

/** The objects `live` holds for the Sync's inventory, in inventory order. */
export function inventoryNodes(sync: KubeObject, live: Pick<LiveCache, 'get'>, now: Date) {
  const drifted = driftOf(sync);
  return entriesOf(sync).map((e) => {
    const apiVersion = apiVersionOf(e.group, e.version);
    const obj = live.get(apiVersion, e.kind, e.namespace, e.name);
    const id = idOf(e.group, e.kind, e.namespace, e.name);
    const shape = { apiVersion, kind: e.kind, namespace: e.namespace, name: e.name };
    return { node: nodeOf(obj, { id, depth: 0 }, shape, drifted.get(id), now), obj };
  });
}

/** What the owners own, listed per namespace (ReplicaSets, Pods, Jobs): one request per kind and namespace. */
async function childrenOf(
  owners: readonly { node: ObjectNode; obj: KubeObject | undefined }[],
  kube: Pick<KubeClient, 'list'>,
  signal: AbortSignal,
): Promise<KubeObject[]> {
  const namespaces = new Set(
    owners.filter((o) => OWNERS.has(o.node.kind) && o.obj).map((o) => o.node.namespace),
  );
  const lists = await Promise.all(
    [...namespaces].flatMap((namespace) =>
      CHILD_KINDS.map((k) => kube.list(k.apiVersion, k.kind, { namespace }, signal)),
    ),
  );
  return lists.flatMap((l) => (l.ok ? l.value.items : []));
}

/** The whole tree, depth first: inventory entries, each followed by what it owns. */
export async function objectTree(
  sync: KubeObject,
  deps: { live: Pick<LiveCache, 'get'>; kube: Pick<KubeClient, 'list'>; now: Date },
  signal: AbortSignal,
): Promise<ObjectNode[]> {
  const top = inventoryNodes(sync, deps.live, deps.now);
  const candidates = await childrenOf(top, deps.kube, signal);
  const byOwner = new Map<string, KubeObject[]>();
  for (const child of candidates)
    for (const ref of (child.metadata.ownerReferences ?? []) as { uid?: string }[])
      if (ref.uid) byOwner.set(ref.uid, [...(byOwner.get(ref.uid) ?? []), child]);
  const out: ObjectNode[] = [];
  const seen = new Set<string>();
  const visit = (obj: KubeObject, parent: string, depth: number): void => {
    const uid = obj.metadata.uid ?? '';
    for (const child of byOwner.get(uid) ?? []) {
      const ns = child.metadata.namespace ?? '';
      const name = child.metadata.name ?? '';
      const id = idOf(groupOf(child.apiVersion), child.kind, ns, name);
      if (seen.has(id) || depth > 4) continue;
      seen.add(id);
      const shape = { apiVersion: child.apiVersion, kind: child.kind, namespace: ns, name };
      out.push(nodeOf(child, { id, parent, depth }, shape, undefined, deps.now));
      visit(child, id, depth + 1);
    }
  };
  for (const { node, obj } of top) {
    out.push(node);
    if (obj) visit(obj, node.id, 1);
  }
  return out;
}
