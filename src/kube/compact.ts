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

export type CompactOptions = {
  /** Keep kubectl's last-applied annotation (default: dropped). */
  readonly keepLastApplied?: boolean;
  /**
   * Top-level members (a Sync's `spec` and `status`) whose every string value is stored once. They
   * are rewritten in place: the reflector hands over objects it has just parsed and owns.
   */
  readonly deepStrings?: readonly string[];
};

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

/** Replaces every string value under `value` (arrays and plain objects, in place) by `str`'s. */
function internDeep(value: unknown, str: (s: string) => string, depth = 0): void {
  // JSON nests; a bound keeps a hostile object from exhausting the stack.
  if (typeof value !== 'object' || value === null || depth > 64) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'string') value[i] = str(item);
      else internDeep(item, str, depth + 1);
    }
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (typeof item === 'string') record[key] = str(item);
    else internDeep(item, str, depth + 1);
  }
}

/** A compactor with its own bounded tables of strings and of (frozen) fieldsV1 trees. */
export function createCompactor(
  limit = DEFAULT_COMPACT_LIMIT,
  options: CompactOptions = {},
): Compactor {
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
    const annotations = options.keepLastApplied ? m.annotations : withoutLastApplied(m.annotations);
    if (annotations !== m.annotations) {
      if (annotations && Object.keys(annotations).length > 0) metadata.annotations = annotations;
      else delete metadata.annotations;
    }
    if (Array.isArray(m.managedFields)) metadata.managedFields = m.managedFields.map(entry);
    for (const member of options.deepStrings ?? []) internDeep(obj[member], str);
    return { ...obj, apiVersion: str(obj.apiVersion), kind: str(obj.kind), metadata };
  };
}
