/**
 * Cached objects in less memory (docs/adr/0021). Thousands of objects rendered from one template
 * repeat the same values: namespace, apiVersion, kind, the field managers and their timestamps,
 * and whole `managedFields[].fieldsV1` trees. A compactor stores each such value once (the
 * copies are equal, so drift, health and field attribution read the same thing) and drops
 * kubectl's `last-applied-configuration` annotation, a second copy of the object that nothing
 * read from the cache uses. Its tables are bounded: when one is full it starts over.
 */
import type { KubeObject, ManagedFieldsEntry, ObjectMeta } from '../core/index.ts';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Distinct values kept per table before it starts over. */
export const DEFAULT_COMPACT_LIMIT = 4096;

export type Compactor = (obj: KubeObject) => KubeObject;

type Table<T> = { get(key: string, make: () => T): T };

function boundedTable<T>(limit: number): Table<T> {
  let entries = new Map<string, T>();
  return {
    get(key, make) {
      const found = entries.get(key);
      if (found !== undefined) return found;
      if (entries.size >= limit) entries = new Map();
      const value = make();
      entries.set(key, value);
      return value;
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function withoutLastApplied(
  annotations: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (!annotations || !Object.hasOwn(annotations, LAST_APPLIED_ANNOTATION)) return annotations;
  const { [LAST_APPLIED_ANNOTATION]: _dropped, ...rest } = annotations;
  return rest;
}

/** A compactor with its own bounded tables of strings and of (frozen) fieldsV1 trees. */
export function createCompactor(limit = DEFAULT_COMPACT_LIMIT): Compactor {
  const strings = boundedTable<string>(limit);
  const trees = boundedTable<Record<string, unknown>>(limit);
  const str = <S extends string | undefined>(s: S): S =>
    (s === undefined ? s : strings.get(s, () => s)) as S;
  const tree = (t: Record<string, unknown>): Record<string, unknown> =>
    trees.get(JSON.stringify(t), () => deepFreeze(t));

  const entry = (e: ManagedFieldsEntry): ManagedFieldsEntry => {
    const out: ManagedFieldsEntry = { ...e };
    for (const key of ['manager', 'operation', 'apiVersion', 'time', 'fieldsType'] as const)
      if (e[key] !== undefined) (out as Record<string, unknown>)[key] = str(e[key]);
    if (e.subresource !== undefined) out.subresource = str(e.subresource);
    if (e.fieldsV1 !== undefined) out.fieldsV1 = tree(e.fieldsV1);
    return out;
  };

  return (obj) => {
    if (typeof obj !== 'object' || typeof obj.metadata !== 'object') return obj;
    const m = obj.metadata;
    const metadata: ObjectMeta = { ...m };
    if (m.namespace !== undefined) metadata.namespace = str(m.namespace);
    if (m.creationTimestamp !== undefined) metadata.creationTimestamp = str(m.creationTimestamp);
    const annotations = withoutLastApplied(m.annotations);
    if (annotations !== m.annotations) {
      if (annotations && Object.keys(annotations).length > 0) metadata.annotations = annotations;
      else delete metadata.annotations;
    }
    if (Array.isArray(m.managedFields)) metadata.managedFields = m.managedFields.map(entry);
    return { ...obj, apiVersion: str(obj.apiVersion), kind: str(obj.kind), metadata };
  };
}
