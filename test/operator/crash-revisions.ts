// Seeded revisions for the crash property test: each one creates, changes and prunes ConfigMaps
// relative to the one before, and the objects a clean apply of it leaves, normalised to compare.
import type { KubeObject } from '../../src/core/index.ts';
import { configMapYaml } from '../helpers/operator.ts';

/** A small seeded PRNG (mulberry32): the same seed gives the same revisions and kill points. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Desired ConfigMaps of one revision: name → data. */
export type RevisionState = Map<string, Record<string, string>>;

const nameOf = (i: number): string => `cm-${String(i).padStart(3, '0')}`;

/**
 * `count` revisions over a pool of `pool` names: each keeps about 70 % of the pool and changes the
 * value of about half of what it keeps, so each creates, changes and prunes objects.
 */
export function makeRevisions(random: () => number, pool: number, count: number): RevisionState[] {
  const revisions: RevisionState[] = [];
  let previous: RevisionState = new Map();
  for (let r = 0; r < count; r++) {
    const next: RevisionState = new Map();
    for (let i = 0; i < pool; i++) {
      if (random() >= 0.7) continue;
      const old = previous.get(nameOf(i));
      const changed = !old || random() < 0.5;
      next.set(nameOf(i), changed ? { rev: String(r), index: String(i), pad: 'x'.repeat(r) } : old);
    }
    revisions.push(next);
    previous = next;
  }
  return revisions;
}

/** What applying `to` over `from` does: names created, changed and pruned. */
export function changesOf(from: RevisionState, to: RevisionState) {
  const created = [...to.keys()].filter((n) => !from.has(n));
  const pruned = [...from.keys()].filter((n) => !to.has(n));
  const changed = [...to.keys()].filter(
    (n) => from.has(n) && JSON.stringify(from.get(n)) !== JSON.stringify(to.get(n)),
  );
  return { created, changed, pruned };
}

/** The Git files of a revision: every file of the pool, null for those it does not have. */
export function filesOf(state: RevisionState, pool: number): Record<string, string | null> {
  const files: Record<string, string | null> = {};
  for (let i = 0; i < pool; i++) {
    const data = state.get(nameOf(i));
    files[`deploy/${nameOf(i)}.yaml`] = data ? configMapYaml(nameOf(i), data) : null;
  }
  return files;
}

/**
 * An object as it would be after a clean apply in any namespace: without what the API server
 * assigns (uid, versions, timestamps) and with the namespace's name replaced by `NS`.
 */
export function normalise(obj: KubeObject, namespace: string): unknown {
  const m = obj.metadata;
  const managed = (m.managedFields ?? []) as { manager?: string; operation?: string }[];
  const text = JSON.stringify({
    name: m.name,
    labels: m.labels ?? {},
    annotations: m.annotations ?? {},
    ownerReferences: m.ownerReferences ?? [],
    finalizers: m.finalizers ?? [],
    managers: managed.map((f) => ({ ...f, time: undefined })),
    data: obj.data ?? {},
  });
  return JSON.parse(text.split(namespace).join('NS')) as unknown;
}
