/**
 * The desired objects of each Sync's applied revision, by object: what a watch event on a managed
 * object is compared with between reconciles. A Sync's entry is forgotten when it is deleted.
 */
import { objectIdOf, objectKey, type KubeObject } from '../core/index.ts';

export type DesiredIndex = {
  remember(syncKey: string, desired: readonly KubeObject[]): void;
  /** The object as the Sync's applied revision renders it (undefined: not known). */
  get(syncKey: string, obj: KubeObject): KubeObject | undefined;
  forget(syncKey: string): void;
  /** Syncs remembered. */
  size(): number;
};

export function createDesiredIndex(): DesiredIndex {
  const bySync = new Map<string, Map<string, KubeObject>>();
  return {
    remember(syncKey, desired) {
      bySync.set(syncKey, new Map(desired.map((o) => [objectKey(objectIdOf(o)), o])));
    },
    get: (syncKey, obj) => bySync.get(syncKey)?.get(objectKey(objectIdOf(obj))),
    forget(syncKey) {
      bySync.delete(syncKey);
    },
    size: () => bySync.size,
  };
}
