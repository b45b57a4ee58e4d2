/**
 * Field-level difference between what an object is live and what it would be after the apply
 * (the server's dry-run answer), pure. Server bookkeeping (resourceVersion, generation,
 * managedFields, status) is not a change; Secret values never leave this file.
 */
import { isRecord, parseApiVersion, stableStringify, type KubeObject } from '../../core/index.ts';
import { MAX_VALUE_LENGTH } from '../../drift/index.ts';

/** One changed field: JSON of the value before and after (absent: the field is not there). */
export type FieldChange = {
  readonly path: string;
  readonly before?: string;
  readonly after?: string;
  /** A Secret value: neither side is shown. */
  readonly masked?: true;
};

const SIMPLE_NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const BOOKKEEPING = ['resourceVersion', 'generation', 'managedFields'] as const;

export const isSecretObject = (obj: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean =>
  obj.kind === 'Secret' && parseApiVersion(obj.apiVersion).group === '';

function childPath(path: string, field: string): string {
  if (SIMPLE_NAME.test(field)) return path ? `${path}.${field}` : field;
  return `${path}[${JSON.stringify(field)}]`;
}

function show(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = stableStringify(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

/** Drops what the server writes on every apply and what the apply does not set. */
function comparable(obj: KubeObject): Record<string, unknown> {
  const metadata: Record<string, unknown> = { ...obj.metadata };
  for (const field of BOOKKEEPING) delete metadata[field];
  const { status: _status, ...rest } = obj;
  return { ...rest, metadata };
}

const named = (items: readonly unknown[]): items is { name: string }[] =>
  items.length > 0 && items.every((i) => isRecord(i) && typeof i.name === 'string');

type Walk = { readonly out: FieldChange[]; readonly masked: (path: string) => boolean };

function push(walk: Walk, path: string, before: unknown, after: unknown): void {
  if (walk.masked(path)) {
    walk.out.push({ path, masked: true });
    return;
  }
  const b = show(before);
  const a = show(after);
  walk.out.push({
    path,
    ...(b === undefined ? {} : { before: b }),
    ...(a === undefined ? {} : { after: a }),
  });
}

function diffNamedLists(
  walk: Walk,
  path: string,
  before: { name: string }[],
  after: { name: string }[],
) {
  const byName = (items: { name: string }[]) => new Map(items.map((i) => [i.name, i]));
  const b = byName(before);
  const a = byName(after);
  const names = [...new Set([...b.keys(), ...a.keys()])].sort();
  for (const name of names) diffValues(walk, `${path}[name=${name}]`, b.get(name), a.get(name));
}

function diffValues(walk: Walk, path: string, before: unknown, after: unknown): void {
  if (stableStringify(before) === stableStringify(after)) return;
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) diffValues(walk, childPath(path, key), before[key], after[key]);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && named(before) && named(after)) {
    diffNamedLists(walk, path, before, after);
    return;
  }
  push(walk, path, before, after);
}

/** The fields the apply would change on `live`, sorted by path; empty when it would write nothing. */
export function diffFields(live: KubeObject, after: KubeObject): FieldChange[] {
  const secret = isSecretObject(live);
  const walk: Walk = {
    out: [],
    masked: (path) => secret && /^(data|stringData)([.[]|$)/.test(path),
  };
  diffValues(walk, '', comparable(live), comparable(after));
  return walk.out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}
