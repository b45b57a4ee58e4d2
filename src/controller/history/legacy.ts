/**
 * The history's old home (ADR 0019, before ADR 0032): the ConfigMap `moor-history-<sync>`, the
 * gzipped ring in `binaryData`. Read once when a Sync has no SyncHistory yet, deleted once its
 * records are copied. The least-privilege role may read ConfigMaps but not delete them: there
 * the ConfigMap stays until its Sync is deleted (it is owned by the Sync).
 */
import { createHash } from 'node:crypto';
import { Labels, ok, type KubeObject, type Result } from '../../core/index.ts';
import type { KubeClient, KubeError } from '../../kube/index.ts';
import { decodeRing } from './codec.ts';
import { emptyRing, type HistoryRing } from './record.ts';

export const LEGACY_KEY = 'history.json.gz';
const PREFIX = 'moor-history-';

/** The old history ConfigMap's name; long Sync names were shortened with a hash. */
export function legacyHistoryName(sync: string): string {
  const name = `${PREFIX}${sync}`;
  if (name.length <= 253) return name;
  const hash = createHash('sha256').update(sync).digest('hex').slice(0, 16);
  return `${name.slice(0, 253 - 17)}-${hash}`;
}

const refOf = (sync: { readonly namespace: string; readonly name: string }) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  namespace: sync.namespace,
  name: legacyHistoryName(sync.name),
});

/** The ring an old history ConfigMap holds; HistoryFormatError when unreadable. */
export function legacyRingOf(cm: KubeObject): HistoryRing {
  const data = (cm.binaryData as Record<string, string> | undefined)?.[LEGACY_KEY];
  if (!data) return emptyRing;
  return decodeRing(
    Buffer.from(data, 'base64'),
    `ConfigMap ${cm.metadata.namespace ?? ''}/${cm.metadata.name ?? ''}`,
  );
}

export type Legacy = { readonly found: boolean; readonly ring: HistoryRing };

/**
 * The old ConfigMap's ring, or `found: false`. One that cannot be read, or that the caller may
 * not read (Forbidden), counts as none: the history starts in the SyncHistory.
 */
export async function readLegacy(
  kube: KubeClient,
  sync: { readonly namespace: string; readonly name: string },
  signal: AbortSignal,
): Promise<Result<Legacy, KubeError>> {
  const got = await kube.get(refOf(sync), signal);
  if (!got.ok) return got.error.code === 'Forbidden' ? ok({ found: false, ring: emptyRing }) : got;
  if (!got.value || got.value.metadata.labels?.[Labels.historyOf] !== sync.name)
    return ok({ found: false, ring: emptyRing });
  try {
    return ok({ found: true, ring: legacyRingOf(got.value) });
  } catch {
    return ok({ found: true, ring: emptyRing });
  }
}

/** What became of the old ConfigMap after its records were copied. */
export type LegacyOutcome = 'deleted' | 'kept';

/** Deletes the old ConfigMap; `kept` when the operator may not (the least-privilege role). */
export async function dropLegacy(
  kube: KubeClient,
  sync: { readonly namespace: string; readonly name: string },
  signal: AbortSignal,
): Promise<Result<LegacyOutcome, KubeError>> {
  const res = await kube.delete(refOf(sync), {}, signal);
  if (res.ok) return ok('deleted');
  return res.error.code === 'Forbidden' ? ok('kept') : res;
}
