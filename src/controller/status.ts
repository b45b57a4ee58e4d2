/** Status writes that happen only when something changed, so a quiet reconcile writes nothing. */
import { FIELD_MANAGER, stableEqual, type KubeObject } from '../core/index.ts';
import type { KubeClient } from '../kube/index.ts';
import { WRITER_FIELD, withoutWriter } from './other-operators.ts';

/** Drops undefined members deeply so a status compares and serialises the same way each time. */
export function compact<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Writes `status` unless it is the live one. With `writer` (a Sync's), the status names the
 * operator that writes it (ADR 0018); who wrote it last is no change that needs a write.
 */
export async function writeStatus(
  kube: KubeClient,
  obj: KubeObject,
  status: Record<string, unknown>,
  signal: AbortSignal,
  writer?: string,
): Promise<{ written: boolean; error?: string; obj?: KubeObject }> {
  const next = compact(writer ? { ...status, [WRITER_FIELD]: writer } : status);
  const comparable = (s: Record<string, unknown>) => (writer ? withoutWriter(s) : s);
  if (stableEqual(comparable((obj.status ?? {}) as Record<string, unknown>), comparable(next)))
    return { written: false };
  const ref = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
  const res = await kube.patchStatus(ref, next, { fieldManager: FIELD_MANAGER }, signal);
  return res.ok ? { written: true, obj: res.value } : { written: false, error: res.error.message };
}
