/**
 * Field paths and field ownership: reads `metadata.managedFields[].fieldsV1` (structured-merge-diff
 * "FieldsV1": `f:name` a field, `k:{"name":"web"}` a list item by its merge keys, `v:"x"` a set
 * item, `i:0` a list item by index, `.` the node itself) and answers who owns a field now.
 */
import { FIELD_MANAGER, isRecord, type KubeObject } from '../core/index.ts';

/** One step of a field path. `key` names a list item by some of its fields (its merge keys). */
export type PathElement =
  | { readonly field: string }
  | { readonly key: Readonly<Record<string, unknown>> }
  | { readonly value: unknown }
  | { readonly index: number };

export type FieldPath = readonly PathElement[];

/** The fields one managedFields entry owns. */
export type ManagedFieldSet = {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update' | undefined;
  readonly time: string | undefined;
  readonly subresource: string | undefined;
  /** Every member path, in FieldsV1 order: leaves and the nodes marked `.`. */
  readonly paths: readonly FieldPath[];
};

/** The manager that owns a field now; `time` is absent on some entries (kubectl scale). */
export type FieldOwner = {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update' | undefined;
  readonly time?: string;
  readonly subresource?: string;
};

type FieldsNode = Readonly<Record<string, unknown>>;

const simpleName = /^[A-Za-z_$][\w$-]*$/;

function formatKeyValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** `spec.template.spec.containers[name=web].image`, `metadata.labels["app.kubernetes.io/name"]`. */
export function formatFieldPath(path: FieldPath): string {
  let out = '';
  for (const el of path) {
    if ('field' in el) {
      if (simpleName.test(el.field)) out += out ? `.${el.field}` : el.field;
      else out += `[${JSON.stringify(el.field)}]`;
    } else if ('key' in el) {
      const parts = Object.entries(el.key).map(([k, v]) => `${k}=${formatKeyValue(v)}`);
      out += `[${parts.join(',')}]`;
    } else if ('index' in el) {
      out += `[${el.index}]`;
    } else {
      out += `[=${formatKeyValue(el.value)}]`;
    }
  }
  return out;
}

/** Parses one FieldsV1 key; undefined for `.` and for keys it does not understand. */
function parseFieldsKey(key: string): PathElement | undefined {
  const body = key.slice(2);
  try {
    if (key.startsWith('f:')) return { field: body };
    if (key.startsWith('k:')) {
      const parsed: unknown = JSON.parse(body);
      return isRecord(parsed) ? { key: parsed } : undefined;
    }
    if (key.startsWith('v:')) return { value: JSON.parse(body) as unknown };
    if (key.startsWith('i:')) return { index: Number.parseInt(body, 10) };
  } catch {
    return undefined;
  }
  return undefined;
}

/** Every member path of a FieldsV1 tree (leaves are `{}`; `.` marks the node itself). */
export function parseFieldsV1(fieldsV1: unknown): FieldPath[] {
  const out: FieldPath[] = [];
  const walk = (node: FieldsNode, prefix: FieldPath): void => {
    for (const [key, child] of Object.entries(node)) {
      if (key === '.') {
        out.push(prefix);
        continue;
      }
      const el = parseFieldsKey(key);
      if (!el) continue;
      const path = [...prefix, el];
      if (isRecord(child) && Object.keys(child).length > 0) walk(child, path);
      else out.push(path);
    }
  };
  if (isRecord(fieldsV1)) walk(fieldsV1, []);
  return out;
}

/** The fields each manager of `obj` owns, one entry per managedFields entry. */
export function readManagedFields(obj: KubeObject): ManagedFieldSet[] {
  return (obj.metadata.managedFields ?? []).map((entry) => ({
    manager: entry.manager ?? '',
    operation: entry.operation,
    time: entry.time,
    subresource: entry.subresource,
    paths: parseFieldsV1(entry.fieldsV1),
  }));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => sameValue(a[k], b[k]));
  }
  return false;
}

/** Whether list item `item` has every field of `key` with the same value. */
function itemMatchesKey(item: unknown, key: Readonly<Record<string, unknown>>): boolean {
  return isRecord(item) && Object.entries(key).every(([k, v]) => sameValue(item[k], v));
}

/** A path step resolved against the live object: the field name, or the live list item and its index. */
type LiveStep = { readonly field: string } | { readonly item: unknown; readonly index: number };

/** Walks `path` through `live`; undefined when some step is not there (the field is gone). */
function resolveLive(live: unknown, path: FieldPath): LiveStep[] | undefined {
  const steps: LiveStep[] = [];
  let node = live;
  for (const el of path) {
    if ('field' in el) {
      if (!isRecord(node) || !Object.hasOwn(node, el.field)) return undefined;
      steps.push({ field: el.field });
      node = node[el.field];
      continue;
    }
    if (!Array.isArray(node)) return undefined;
    const list: unknown[] = node;
    const index =
      'key' in el
        ? list.findIndex((item) => itemMatchesKey(item, el.key))
        : 'value' in el
          ? list.findIndex((item) => sameValue(item, el.value))
          : el.index < list.length
            ? el.index
            : -1;
    if (index < 0) return undefined;
    steps.push({ item: list[index], index });
    node = list[index];
  }
  return steps;
}

/** The FieldsV1 child for a list item: by merge keys (`k:`), by value (`v:`) or by index (`i:`). */
function childForItem(node: FieldsNode, item: unknown, index: number): unknown {
  for (const [key, child] of Object.entries(node)) {
    const el = parseFieldsKey(key);
    if (!el) continue;
    if ('key' in el && itemMatchesKey(item, el.key)) return child;
    if ('value' in el && sameValue(item, el.value)) return child;
    if ('index' in el && el.index === index) return child;
  }
  return undefined;
}

type Ownership = 'owns' | 'ownsPart' | 'none';

/** Whether one FieldsV1 tree owns the node at `steps` (or only something under it). */
function ownershipIn(fieldsV1: unknown, steps: readonly LiveStep[]): Ownership {
  let node: unknown = fieldsV1;
  for (const step of steps) {
    if (!isRecord(node)) return 'none';
    node = 'field' in step ? node[`f:${step.field}`] : childForItem(node, step.item, step.index);
  }
  if (!isRecord(node)) return 'none';
  const keys = Object.keys(node);
  if (keys.length === 0 || keys.includes('.')) return 'owns';
  return 'ownsPart';
}

/** Newest first; entries without a time after those with one. */
function byRecency(a: FieldOwner, b: FieldOwner): number {
  if (a.time === b.time) return 0;
  if (a.time === undefined) return 1;
  if (b.time === undefined) return -1;
  return a.time < b.time ? 1 : -1;
}

function toOwner(entry: NonNullable<KubeObject['metadata']['managedFields']>[number]): FieldOwner {
  return {
    manager: entry.manager ?? '',
    operation: entry.operation,
    ...(entry.time === undefined ? {} : { time: entry.time }),
    ...(entry.subresource === undefined ? {} : { subresource: entry.subresource }),
  };
}

/** Prefers a manager other than Moor, then the one that wrote most recently. */
function pickOwner(owners: FieldOwner[]): FieldOwner | undefined {
  const others = owners.filter((o) => o.manager !== FIELD_MANAGER).sort(byRecency);
  return others[0] ?? owners.sort(byRecency)[0];
}

/**
 * The manager that owns the field at `path` in `live` now. List items in `path` may be named by
 * any of their fields (`{ key: { name: 'http' } }` finds the port whose merge key is
 * containerPort+protocol). When nobody owns the field itself, a manager owning part of it (a
 * field below it) answers. Undefined when the field is not live or no entry claims it: a field
 * someone removed has no owner.
 */
export function ownerOf(live: KubeObject, path: FieldPath): FieldOwner | undefined {
  const steps = resolveLive(live, path);
  if (!steps) return undefined;
  const whole: FieldOwner[] = [];
  const part: FieldOwner[] = [];
  for (const entry of live.metadata.managedFields ?? []) {
    const found = ownershipIn(entry.fieldsV1, steps);
    if (found === 'owns') whole.push(toOwner(entry));
    else if (found === 'ownsPart') part.push(toOwner(entry));
  }
  return pickOwner(whole) ?? pickOwner(part);
}
