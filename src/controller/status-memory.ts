/**
 * An informer delivers Moor's own status writes a moment after they happen. A reconcile that starts
 * in that moment would act on the status before the write (and, say, announce a revision twice).
 * This remembers what each status write returned, so readers get the newer of the two.
 */
import { type KubeObject, kindKey, nameKey } from '../core/index.ts';
import type { KubeClient, ObjectRef } from '../kube/index.ts';

export type StatusMemory = {
  /** A client whose status writes are remembered. */
  readonly kube: KubeClient;
  /** The newer of `obj` and the object Moor's last status write of it returned. */
  freshest(obj: KubeObject | undefined): KubeObject | undefined;
  forget(obj: KubeObject): void;
  /**
   * The informer's copy of `obj` moved: a remembered write it has caught up with is let go (the
   * remembered object, a whole status with its inventory, would double what each Sync costs).
   */
  observe(obj: KubeObject): void;
  /** Objects whose last status write is remembered. */
  size(): number;
};

const keyOf = (
  ref: Pick<ObjectRef, 'apiVersion' | 'kind' | 'name'> & { namespace?: string | undefined },
): string => `${kindKey(ref.apiVersion, ref.kind)}|${nameKey(ref.namespace, ref.name)}`;

/** Kubernetes resource versions are opaque; etcd's are integers, and only then are they compared. */
function newer(a: KubeObject, b: KubeObject): boolean {
  const x = Number(a.metadata.resourceVersion);
  const y = Number(b.metadata.resourceVersion);
  return Number.isSafeInteger(x) && Number.isSafeInteger(y) && x > y;
}

export function rememberStatusWrites(kube: KubeClient): StatusMemory {
  const written = new Map<string, KubeObject>();
  const client: KubeClient = {
    ...kube,
    async patchStatus(ref, status, opts, signal) {
      const res = await kube.patchStatus(ref, status, opts, signal);
      if (res.ok) written.set(keyOf(ref), res.value);
      return res;
    },
  };
  /**
   * The remembered write of `obj` while it is newer than `obj`. Callers pass the informer's copy,
   * which only moves forward: once it is as new as the write (or the object was recreated), the
   * write is never needed again and is let go.
   */
  const caughtUp = (obj: KubeObject): KubeObject | undefined => {
    const key = keyOf({
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name ?? '',
    });
    const mine = written.get(key);
    if (!mine) return undefined;
    if (mine.metadata.uid === obj.metadata.uid && newer(mine, obj)) return mine;
    written.delete(key);
    return undefined;
  };
  return {
    kube: client,
    freshest(obj) {
      if (!obj) return obj;
      const mine = caughtUp(obj);
      if (!mine) return obj;
      const metadata = { ...obj.metadata };
      if (mine.metadata.resourceVersion) metadata.resourceVersion = mine.metadata.resourceVersion;
      return { ...obj, status: mine.status, metadata };
    },
    forget(obj) {
      written.delete(
        keyOf({
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          namespace: obj.metadata.namespace,
          name: obj.metadata.name ?? '',
        }),
      );
    },
    observe: (obj) => void caughtUp(obj),
    size: () => written.size,
  };
}
