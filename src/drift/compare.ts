/**
 * Which fields a desired object declares that the live one does not have: only what desired
 * declares counts (defaulted fields and other managers' fields are not differences), list items
 * match by key, and the API server's canonical forms compare equal to what users write.
 */
import { isRecord, type KubeObject } from '../core/index.ts';
import type { FieldPath, PathElement } from './fields.ts';
import { quantitiesEqual } from './quantity.ts';

/** One desired field whose live value differs (`live` undefined: the field is not there). */
export type Difference = {
  readonly path: FieldPath;
  readonly desired: unknown;
  readonly live: unknown;
};

type ListKey = { readonly fields: readonly string[]; readonly defaults?: Record<string, unknown> };

/** The object's own field (never one inherited from Object.prototype, like `constructor`). */
const ownField = (obj: Record<string, unknown>, field: string): unknown =>
  Object.hasOwn(obj, field) ? obj[field] : undefined;

/** Maps whose values are quantities (`resources.requests`, ResourceQuota `spec.hard`, …). */
const quantityMaps = new Set([
  'requests',
  'limits',
  'hard',
  'capacity',
  'allocatable',
  'overhead',
  'default',
  'defaultRequest',
  'max',
  'min',
  'maxLimitRequestRatio',
]);
/** Fields that are a quantity themselves. */
const quantityFields = new Set(['sizeLimit']);
/** int-or-string fields: `8080` and `"8080"` are the same port. */
const intOrStringFields = new Set([
  'port',
  'targetPort',
  'maxSurge',
  'maxUnavailable',
  'minAvailable',
]);

/** Lists whose items are keyed by something other than `name`. */
const fixedListKeys: Readonly<Record<string, ListKey>> = {
  volumeMounts: { fields: ['mountPath'] },
  volumeDevices: { fields: ['devicePath'] },
  hostAliases: { fields: ['ip'] },
  topologySpreadConstraints: { fields: ['topologyKey', 'whenUnsatisfiable'] },
};
const tcp = { protocol: 'TCP' };

function lastFields(path: FieldPath): [string | undefined, string | undefined] {
  const names = path.flatMap((el) => ('field' in el ? [el.field] : []));
  return [names.at(-2), names.at(-1)];
}

/** True when a zero value in desired means the same as an absent field (omitempty). */
function isEmptyValue(v: unknown): boolean {
  if (v === null || v === '' || v === false || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isRecord(v) && Object.keys(v).length === 0;
}

function scalarsEqual(path: FieldPath, desired: unknown, live: unknown): boolean {
  if (desired === live) return true;
  const [parent, field] = lastFields(path);
  const last = path.at(-1);
  const atField = last !== undefined && 'field' in last;
  if (atField && field !== undefined) {
    if (
      (quantityFields.has(field) || quantityMaps.has(parent ?? '')) &&
      quantitiesEqual(desired, live)
    )
      return true;
    if (intOrStringFields.has(field) && isIntLike(desired) && isIntLike(live))
      return String(desired) === String(live);
  }
  return false;
}

const isIntLike = (v: unknown): boolean =>
  (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^\d+$/.test(v));

const isScalar = (v: unknown): boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Whether every key field of `item` is a scalar: only those identify an item. */
const hasFields = (item: unknown, fields: readonly string[]): boolean =>
  isRecord(item) && fields.every((f) => Object.hasOwn(item, f) && isScalar(item[f]));

/** How the items of the list at `field` are matched: by key, or undefined for by position. */
function listKeyOf(field: string | undefined, items: readonly unknown[]): ListKey | undefined {
  if (items.length === 0 || !items.every(isRecord)) return undefined;
  const fixed =
    field !== undefined && Object.hasOwn(fixedListKeys, field) ? fixedListKeys[field] : undefined;
  if (fixed) return items.every((i) => hasFields(i, fixed.fields)) ? fixed : undefined;
  if (items.every((i) => hasFields(i, ['name']))) return { fields: ['name'] };
  if (field !== 'ports') return undefined;
  if (items.every((i) => hasFields(i, ['containerPort'])))
    return { fields: ['containerPort', 'protocol'], defaults: tcp };
  if (items.every((i) => hasFields(i, ['port'])))
    return { fields: ['port', 'protocol'], defaults: tcp };
  return undefined;
}

function keyOf(item: Record<string, unknown>, key: ListKey): Record<string, unknown> {
  return Object.fromEntries(key.fields.map((f) => [f, item[f] ?? key.defaults?.[f]]));
}

function matchesKey(item: unknown, key: ListKey, wanted: Record<string, unknown>): boolean {
  if (!isRecord(item)) return false;
  const have = keyOf(item, key);
  return key.fields.every(
    (f) => have[f] === wanted[f] || (isIntLike(have[f]) && String(have[f]) === String(wanted[f])),
  );
}

function compareKeyedList(
  path: FieldPath,
  desired: readonly Record<string, unknown>[],
  live: readonly unknown[],
  key: ListKey,
  out: Difference[],
): void {
  // Items with the same key (env allows duplicates) pair up in order of appearance.
  const seen = new Map<string, number>();
  for (const item of desired) {
    const wanted = keyOf(item, key);
    const id = JSON.stringify(key.fields.map((f) => String(wanted[f])));
    const nth = seen.get(id) ?? 0;
    seen.set(id, nth + 1);
    const itemPath: FieldPath = [...path, { key: wanted } satisfies PathElement];
    const found = live.filter((l) => matchesKey(l, key, wanted))[nth];
    if (found === undefined) out.push({ path: itemPath, desired: item, live: undefined });
    else compareValues(itemPath, item, found, out);
  }
}

function compareList(path: FieldPath, desired: unknown[], live: unknown, out: Difference[]): void {
  if (!Array.isArray(live)) {
    out.push({ path, desired, live });
    return;
  }
  const key = listKeyOf(lastFields(path)[1], desired);
  if (key) {
    compareKeyedList(path, desired as Record<string, unknown>[], live, key, out);
    return;
  }
  const inner: Difference[] = [];
  if (desired.length === live.length)
    desired.forEach((item, index) => compareValues([...path, { index }], item, live[index], inner));
  if (desired.length !== live.length || inner.length > 0) out.push({ path, desired, live });
}

/** Appends to `out` every field under `path` where `desired` declares what `live` lacks. */
export function compareValues(
  path: FieldPath,
  desired: unknown,
  live: unknown,
  out: Difference[],
): void {
  if (desired === undefined || desired === null) return;
  if (live === undefined || live === null) {
    if (!isEmptyValue(desired)) out.push({ path, desired, live: undefined });
    return;
  }
  if (Array.isArray(desired)) {
    compareList(path, desired, live, out);
  } else if (isRecord(desired)) {
    if (!isRecord(live)) out.push({ path, desired, live });
    else
      for (const [field, value] of Object.entries(desired))
        compareValues([...path, { field }], value, ownField(live, field), out);
  } else if (!scalarsEqual(path, desired, live)) {
    out.push({ path, desired, live });
  }
}

const skippedTopLevel = new Set(['apiVersion', 'kind', 'metadata', 'status']);

/** The differences between what `desired` declares and `live`: labels, annotations, and the body. */
export function findDifferences(desired: KubeObject, live: KubeObject): Difference[] {
  const out: Difference[] = [];
  for (const field of ['labels', 'annotations'] as const)
    compareValues(
      [{ field: 'metadata' }, { field }],
      desired.metadata[field],
      live.metadata[field],
      out,
    );
  for (const [field, value] of Object.entries(desired))
    if (!skippedTopLevel.has(field)) compareValues([{ field }], value, ownField(live, field), out);
  return out;
}
