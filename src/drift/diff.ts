/**
 * Field-level drift of one managed object: which desired fields differ live, who wrote the live
 * value (from managedFields) and when. Secret values never leave this file.
 */
import { Buffer } from 'node:buffer';
import { objectIdOf, parseApiVersion, stableStringify, type KubeObject } from '../core/index.ts';
import { findDifferences, type Difference } from './compare.ts';
import { formatFieldPath, ownerOf } from './fields.ts';

/** One drifted field; `desired`/`live` are JSON (at most 200 characters), never for Secrets. */
export type FieldDrift = {
  readonly path: string;
  readonly manager?: string;
  readonly since?: string;
  readonly desired?: string;
  readonly live?: string;
};

/** One drifted object, shaped like `status.drift.objects[]` of a Sync. */
export type ObjectDrift = {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly deleted?: true;
  readonly fields?: FieldDrift[];
};

/** Longest `desired`/`live` text in a FieldDrift. */
export const MAX_VALUE_LENGTH = 200;

const isSecret = (obj: KubeObject): boolean =>
  obj.kind === 'Secret' && parseApiVersion(obj.apiVersion).group === '';

function stringMap(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
  return Object.fromEntries(
    Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/** Secret `data` as the server stores it: canonical base64, with `stringData` folded in. */
function canonicalSecret(obj: KubeObject): KubeObject {
  const data = Object.fromEntries(
    Object.entries(stringMap(obj.data)).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString('base64'),
    ]),
  );
  for (const [k, v] of Object.entries(stringMap(obj.stringData)))
    data[k] = Buffer.from(v, 'utf8').toString('base64');
  const { stringData: _plain, ...rest } = obj;
  return Object.keys(data).length > 0 || obj.data !== undefined ? { ...rest, data } : rest;
}

function showValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = stableStringify(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

function describe(d: Difference, live: KubeObject, secret: boolean): FieldDrift {
  const owner = ownerOf(live, d.path);
  const desired = secret ? undefined : showValue(d.desired);
  const shownLive = secret ? undefined : showValue(d.live);
  return {
    path: formatFieldPath(d.path),
    ...(owner?.manager ? { manager: owner.manager } : {}),
    ...(owner?.time === undefined ? {} : { since: owner.time }),
    ...(desired === undefined ? {} : { desired }),
    ...(shownLive === undefined ? {} : { live: shownLive }),
  };
}

const byPath = (a: FieldDrift, b: FieldDrift): number =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : 0;

/**
 * How `live` differs from `desired`, or undefined when they match. Only what desired declares
 * counts; `live` undefined means the object was deleted.
 */
export function diffObject(
  desired: KubeObject,
  live: KubeObject | undefined,
): ObjectDrift | undefined {
  const id = objectIdOf(desired);
  if (live === undefined) return { ...id, deleted: true };
  const differences = differencesOf(desired, live);
  if (differences.length === 0) return undefined;
  const secret = isSecret(desired);
  return { ...id, fields: differences.map((d) => describe(d, live, secret)).sort(byPath) };
}

/** True when every field `desired` declares has its desired value in `live`. */
export function matchesDesired(desired: KubeObject, live: KubeObject | undefined): boolean {
  return live !== undefined && differencesOf(desired, live).length === 0;
}

function differencesOf(desired: KubeObject, live: KubeObject): Difference[] {
  return isSecret(desired)
    ? findDifferences(canonicalSecret(desired), canonicalSecret(live))
    : findDifferences(desired, live);
}
