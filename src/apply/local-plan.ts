/**
 * Which new objects of an apply need no server-side dry-run of their own (ADR 0035): objects of a
 * kind judged locally (local-verdict.ts) that the local check finds valid, in a namespace that
 * exists with no ResourceQuota, that do not exist yet, of a kind no admission configuration may
 * judge. Per namespace and kind one of them, the representative, is still dry-run: it answers
 * for what depends on who applies (RBAC, impersonation) and where (the namespace exists and is
 * not terminating). When it fails, the others are dry-run too, so every failing object is named.
 */
import type { KubeObject } from '../core/index.ts';
import { admissionMayJudge, quotaMayJudge } from './admission.ts';
import { LOCALLY_JUDGED_KINDS, localVerdict } from './local-verdict.ts';
import type { ApplyDeps } from './types.ts';

/** Below this many candidates the look-ups cost more than the dry-runs they save. */
export const MIN_LOCAL_CANDIDATES = 16;

export type LocalPlan = {
  /** Objects to create without their own dry-run, by their group (namespace and kind). */
  readonly locals: ReadonlyMap<KubeObject, string>;
  /** Per group, the object dry-run for all of it. */
  readonly representatives: ReadonlyMap<string, KubeObject>;
};

const NONE: LocalPlan = { locals: new Map(), representatives: new Map() };

const groupOf = (obj: KubeObject) => `${obj.metadata.namespace ?? ''}/${obj.kind}`;
const resourceOf: Readonly<Record<string, string>> = { ConfigMap: 'configmaps' };

function candidatesOf(
  objects: readonly KubeObject[],
  deps: ApplyDeps,
  createdNamespaces: ReadonlySet<string>,
): Map<string, KubeObject[]> {
  const groups = new Map<string, KubeObject[]>();
  for (const obj of objects) {
    if (obj.apiVersion !== 'v1' || !LOCALLY_JUDGED_KINDS.has(obj.kind)) continue;
    const ns = obj.metadata.namespace;
    if (!ns || createdNamespaces.has(ns) || deps.live?.(obj)) continue;
    if (localVerdict(obj) !== 'valid') continue;
    const key = groupOf(obj);
    const group = groupViaKey(groups, key);
    group.push(obj);
  }
  return groups;
}

function groupViaKey(groups: Map<string, KubeObject[]>, key: string): KubeObject[] {
  let group = groups.get(key);
  if (!group) {
    group = [];
    groups.set(key, group);
  }
  return group;
}

/** Names of the objects of `kind` that exist in `namespace`, or undefined when unknown. */
async function existing(deps: ApplyDeps, namespace: string, kind: string) {
  const listed = await deps.kube.list('v1', kind, { namespace }, deps.signal);
  return listed.ok ? new Set(listed.value.items.map((o) => o.metadata.name ?? '')) : undefined;
}

/** The objects of one group (namespace and kind) that do not exist; none under a quota. */
async function absentOf(deps: ApplyDeps, group: readonly KubeObject[]): Promise<KubeObject[]> {
  const first = group[0];
  const ns = first?.metadata.namespace ?? '';
  if (!first || group.length < 2 || (await quotaMayJudge(deps.kube, ns, deps.signal))) return [];
  const names = await existing(deps, ns, first.kind);
  return names ? group.filter((o) => !names.has(o.metadata.name ?? '')) : [];
}

export async function planLocal(
  objects: readonly KubeObject[],
  deps: ApplyDeps,
  createdNamespaces: ReadonlySet<string>,
): Promise<LocalPlan> {
  const groups = candidatesOf(objects, deps, createdNamespaces);
  const count = [...groups.values()].reduce((n, g) => n + g.length, 0);
  if (count < MIN_LOCAL_CANDIDATES) return NONE;
  const locals = new Map<KubeObject, string>();
  const representatives = new Map<string, KubeObject>();
  const kinds = new Set([...groups.values()].map((g) => g[0]?.kind ?? ''));
  const judged = new Set<string>();
  for (const kind of kinds) {
    const resource = resourceOf[kind] ?? '';
    if (!(await admissionMayJudge(deps.kube, { group: '', resource }, deps.signal)))
      judged.add(kind);
  }
  for (const [key, group] of groups) {
    const first = group[0];
    if (!first || !judged.has(first.kind)) continue;
    const absent = await absentOf(deps, group);
    const [representative, ...rest] = absent;
    if (!representative || rest.length === 0) continue;
    representatives.set(key, representative);
    for (const o of rest) locals.set(o, key);
  }
  return { locals, representatives };
}
