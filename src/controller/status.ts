/** Status writes that happen only when something changed, so a quiet reconcile writes nothing. */
import { FIELD_MANAGER, stableStringify, type KubeObject } from '../core/index.ts';
import type { KubeClient } from '../kube/index.ts';

/** Drops undefined members deeply so a status compares and serialises the same way each time. */
export function compact<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export async function writeStatus(
  kube: KubeClient,
  obj: KubeObject,
  status: Record<string, unknown>,
  signal: AbortSignal,
): Promise<{ written: boolean; error?: string; obj?: KubeObject }> {
  const next = compact(status);
  if (stableStringify(obj.status ?? {}) === stableStringify(next)) return { written: false };
  const ref = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
  const res = await kube.patchStatus(ref, next, { fieldManager: FIELD_MANAGER }, signal);
  return res.ok ? { written: true, obj: res.value } : { written: false, error: res.error.message };
}
