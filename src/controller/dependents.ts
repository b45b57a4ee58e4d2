/**
 * Which Syncs depend on which (`spec.dependsOn`): a change of a Sync's readiness wakes only its
 * dependents. A Sync's entries are forgotten when it is deleted.
 */
import { type KubeObject, nameKey, nameKeyOf } from '../core/index.ts';

export type Dependents = {
  /** Notes what a Sync depends on (again on every change of the Sync). */
  track(sync: KubeObject): void;
  forget(syncKey: string): void;
  /** The Syncs that depend on this one, by `namespace/name`. */
  of(syncKey: string): string[];
  /** Syncs remembered, as dependents or as dependencies. */
  size(): number;
};

function dependenciesOf(sync: KubeObject): string[] {
  const deps =
    (sync.spec as { dependsOn?: { name: string; namespace?: string }[] } | undefined)?.dependsOn ??
    [];
  return deps.map((d) => nameKey(d.namespace ?? sync.metadata.namespace, d.name));
}

export function createDependents(): Dependents {
  const dependsOn = new Map<string, string[]>();
  const dependents = new Map<string, Set<string>>();
  const forget = (syncKey: string): void => {
    for (const dep of dependsOn.get(syncKey) ?? []) {
      const set = dependents.get(dep);
      set?.delete(syncKey);
      if (set?.size === 0) dependents.delete(dep);
    }
    dependsOn.delete(syncKey);
  };
  return {
    track(sync) {
      const syncKey = nameKeyOf(sync);
      forget(syncKey);
      const deps = dependenciesOf(sync);
      if (deps.length === 0) return;
      dependsOn.set(syncKey, deps);
      for (const dep of deps) dependents.set(dep, (dependents.get(dep) ?? new Set()).add(syncKey));
    },
    forget,
    of: (syncKey) => [...(dependents.get(syncKey) ?? [])],
    size: () => dependsOn.size + dependents.size,
  };
}
