import type { KubeObject } from '../core/index.ts';
import { helmHookPhase, objectIdOf } from '../core/index.ts';
import type { InventoryEntry } from './inventory.ts';
import { entryKey } from './inventory.ts';
import { compareForApply, isClusterDefinition } from './order.ts';

/** A desired object, bare or as render gives it (`{ object, source }`). */
export type DesiredObject = KubeObject | { readonly object: KubeObject };

export type PlanInput = {
  readonly desired: readonly DesiredObject[];
  /** What the previous apply recorded (`status.inventory.entries`). */
  readonly inventory: readonly InventoryEntry[];
  /** The Sync's `spec.prune`. */
  readonly prune: boolean;
};

export type Plan = {
  /**
   * Objects to apply, stage by stage; empty stages are left out. With cluster definitions
   * (CRDs, Namespaces, ClusterRoles) the first stage holds them and the second everything else;
   * chart hooks (pre-install/pre-upgrade, post-install/post-upgrade) get a stage before and after.
   * Each stage is in apply order (kind order, then group, kind, namespace, name).
   */
  readonly stages: KubeObject[][];
  /** Inventory entries no longer desired, in delete order (reverse apply order: CRDs last). */
  readonly prune: InventoryEntry[];
};

/**
 * Orders the desired objects into apply stages and lists what to prune. Deterministic: the same
 * objects and inventory, in any order, give the same plan.
 */
export function planChangeSet(input: PlanInput): Plan {
  const objects = input.desired
    .map(toObject)
    .map((object) => ({ object, id: objectIdOf(object) }))
    .sort((a, b) => compareForApply(a.id, b.id));
  const definitions = objects.filter((o) => isClusterDefinition(o.id)).map((o) => o.object);
  const rest = objects.filter((o) => !isClusterDefinition(o.id)).map((o) => o.object);
  // Chart hooks (ADR 0024): pre-install/pre-upgrade before the rest, post-* after it; within
  // each, one stage per helm.sh/hook-weight, lowest first (ADR 0028).
  const phase = (o: KubeObject) => helmHookPhase(o.metadata.annotations);
  const stages = [
    definitions,
    ...byHookWeight(rest.filter((o) => phase(o) === 'pre')),
    rest.filter((o) => phase(o) !== 'pre' && phase(o) !== 'post'),
    ...byHookWeight(rest.filter((o) => phase(o) === 'post')),
  ].filter((stage) => stage.length > 0);
  if (!input.prune) return { stages, prune: [] };
  const desired = new Set(objects.map((o) => entryKey(o.id)));
  const prune = input.inventory
    .filter((entry) => !desired.has(entryKey(entry)))
    .sort((a, b) => compareForApply(b, a) || compareText(a.version, b.version));
  return { stages, prune: dedupe(prune) };
}

/** A hook's `helm.sh/hook-weight` as helm reads it: an integer, else 0. */
export function hookWeightOf(o: KubeObject): number {
  const text = o.metadata.annotations?.['helm.sh/hook-weight']?.trim() ?? '';
  const weight = /^[+-]?\d{1,9}$/.test(text) ? Number(text) : 0;
  return weight;
}

/** Hooks grouped by weight, lowest first; each group keeps the apply order. */
function byHookWeight(hooks: readonly KubeObject[]): KubeObject[][] {
  const groups = new Map<number, KubeObject[]>();
  for (const o of hooks) groups.set(hookWeightOf(o), [...(groups.get(hookWeightOf(o)) ?? []), o]);
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}

function toObject(desired: DesiredObject): KubeObject {
  return 'apiVersion' in desired ? desired : desired.object;
}

/** An inventory should not list an object twice; if it does, delete it once. */
function dedupe(entries: readonly InventoryEntry[]): InventoryEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const key = entryKey(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
