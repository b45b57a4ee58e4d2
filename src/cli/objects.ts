// Reading Moor objects for display: defensive accessors (a half-written status still prints)
// and the summary row `get` shows.
import {
  API_GROUP_VERSION,
  getCondition,
  isRecord,
  Kinds,
  type Condition,
  type KubeObject,
  nameKeyOf,
} from '../core/index.ts';
import type { ObjectRef } from '../kube/index.ts';
import type { Subject } from './errors.ts';

/** The kinds commands act on, by the words users type. */
export const TargetKinds = {
  source: Kinds.GitRepository,
  sync: Kinds.Sync,
} as const;
export type TargetKind = (typeof TargetKinds)[keyof typeof TargetKinds];

export function refTo(
  kind: string,
  namespace: string,
  name: string,
): ObjectRef & Subject & { readonly namespace: string } {
  return { apiVersion: API_GROUP_VERSION, kind, namespace, name };
}

export function subjectOf(obj: KubeObject): Subject {
  return {
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
}

export function recordAt(obj: unknown, ...path: string[]): Record<string, unknown> {
  let cur: unknown = obj;
  for (const key of path) {
    cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
  }
  return isRecord(cur) ? cur : {};
}

export function stringAt(obj: unknown, ...path: string[]): string | undefined {
  const last = path[path.length - 1];
  if (last === undefined) return undefined;
  const value = recordAt(obj, ...path.slice(0, -1))[last];
  return typeof value === 'string' ? value : undefined;
}

export function arrayAt(obj: unknown, ...path: string[]): unknown[] {
  const last = path[path.length - 1];
  if (last === undefined) return [];
  const value = recordAt(obj, ...path.slice(0, -1))[last];
  return Array.isArray(value) ? (value as unknown[]) : [];
}

const statuses = new Set(['True', 'False', 'Unknown']);

/** `status.conditions`, skipping entries that are not conditions. */
export function conditionsOf(obj: KubeObject): Condition[] {
  return arrayAt(obj, 'status', 'conditions').flatMap((c): Condition[] => {
    const r = recordAt(c);
    if (typeof r.type !== 'string' || typeof r.status !== 'string' || !statuses.has(r.status)) {
      return [];
    }
    return [
      {
        type: r.type,
        status: r.status as Condition['status'],
        reason: typeof r.reason === 'string' ? r.reason : '',
        message: typeof r.message === 'string' ? r.message : '',
        lastTransitionTime: typeof r.lastTransitionTime === 'string' ? r.lastTransitionTime : '',
        ...(typeof r.observedGeneration === 'number'
          ? { observedGeneration: r.observedGeneration }
          : {}),
      },
    ];
  });
}

export function isSuspended(obj: KubeObject): boolean {
  return recordAt(obj, 'spec').suspend === true;
}

/** The revision a row shows: the source's artifact, or the sync's last applied revision. */
export function revisionOf(obj: KubeObject): string | undefined {
  if (obj.kind === Kinds.Sync) return stringAt(obj, 'status', 'lastAppliedRevision');
  // A HelmRepository's index has no revision: its digest, shortened as git shortens a sha.
  if (obj.kind === Kinds.HelmRepository)
    return stringAt(obj, 'status', 'artifact', 'digest')?.replace(
      /^(sha256:[0-9a-f]{12})[0-9a-f]+$/,
      '$1',
    );
  return stringAt(obj, 'status', 'artifact', 'revision');
}

export type SummaryRow = {
  readonly namespace: string;
  readonly name: string;
  readonly ready: string;
  readonly revision: string;
  readonly inSync: string;
  readonly suspended: boolean;
  readonly message: string;
};

export function summarize(obj: KubeObject): SummaryRow {
  const conditions = conditionsOf(obj);
  const ready = getCondition(conditions, 'Ready');
  return {
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
    ready: ready?.status ?? '-',
    revision: revisionOf(obj) ?? '-',
    inSync: getCondition(conditions, 'InSync')?.status ?? '-',
    suspended: isSuspended(obj),
    message: ready?.message ?? '',
  };
}

/** Sorted by namespace, then name. */
export function sortObjects(items: readonly KubeObject[]): KubeObject[] {
  const key = nameKeyOf;
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
