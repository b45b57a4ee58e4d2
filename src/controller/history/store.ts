/**
 * Where a Sync's history lives (ADR 0019): the ConfigMap `moor-history-<sync>` in the Sync's
 * namespace, owned by the Sync (deleted with it), the gzipped ring in `binaryData`. Read, add,
 * write with optimistic concurrency; on a conflict read again and retry.
 */
import { createHash } from 'node:crypto';
import { Labels, err, ok, type KubeObject, type Result } from '../../core/index.ts';
import type { KubeClient, KubeError } from '../../kube/index.ts';
import { decodeRing, encodeRing } from './codec.ts';
import { appendRecord, emptyRing, type HistoryRing, type NewRecord } from './record.ts';

export const HISTORY_KEY = 'history.json.gz';
const PREFIX = 'moor-history-';
const ATTEMPTS = 3;

/** The history ConfigMap's name; long Sync names are shortened with a hash. */
export function historyName(sync: string): string {
  const name = `${PREFIX}${sync}`;
  if (name.length <= 253) return name;
  const hash = createHash('sha256').update(sync).digest('hex').slice(0, 16);
  return `${name.slice(0, 253 - 17)}-${hash}`;
}

export type SyncRef = {
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string | undefined;
  readonly apiVersion: string;
};

const refOf = (sync: SyncRef) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  namespace: sync.namespace,
  name: historyName(sync.name),
});

/** The ring stored in a history ConfigMap (empty when it holds none). */
export function ringOf(cm: KubeObject | undefined): HistoryRing {
  const data = (cm?.binaryData as Record<string, string> | undefined)?.[HISTORY_KEY];
  if (!data) return emptyRing;
  return decodeRing(
    Buffer.from(data, 'base64'),
    `ConfigMap ${cm?.metadata.namespace ?? ''}/${cm?.metadata.name ?? ''}`,
  );
}

/** A ring that cannot be read is started again rather than blocking every later record. */
function readableRing(cm: KubeObject | undefined): HistoryRing {
  try {
    return ringOf(cm);
  } catch {
    return emptyRing;
  }
}

/** Reads a Sync's history; an empty ring when it has none yet. */
export async function readHistory(
  kube: KubeClient,
  sync: Pick<SyncRef, 'namespace' | 'name'>,
  signal: AbortSignal,
): Promise<Result<HistoryRing, KubeError>> {
  const got = await kube.get(refOf({ ...sync, apiVersion: '' }), signal);
  return got.ok ? ok(ringOf(got.value)) : got;
}

function configMapOf(sync: SyncRef, ring: HistoryRing, previous: KubeObject | undefined) {
  const ref = refOf(sync);
  const owner = sync.uid
    ? [{ apiVersion: sync.apiVersion, kind: 'Sync', name: sync.name, uid: sync.uid }]
    : undefined;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      ...(previous?.metadata ?? {}),
      name: ref.name,
      namespace: ref.namespace,
      labels: { ...(previous?.metadata.labels ?? {}), [Labels.historyOf]: sync.name },
      ...(owner ? { ownerReferences: owner } : {}),
    },
    binaryData: { [HISTORY_KEY]: encodeRing(ring).toString('base64') },
  } as KubeObject;
}

/** Adds one record to a Sync's history (replacing the newest when it is the same apply). */
export async function recordApply(
  kube: KubeClient,
  sync: SyncRef,
  record: NewRecord,
  signal: AbortSignal,
): Promise<Result<void, KubeError>> {
  let last: KubeError | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const got = await kube.get(refOf(sync), signal);
    if (!got.ok) return got;
    const ring = appendRecord(readableRing(got.value), record);
    const cm = configMapOf(sync, ring, got.value);
    const wrote = got.value ? await kube.update(cm, signal) : await kube.create(cm, signal);
    if (wrote.ok) return ok(undefined);
    if (wrote.error.code !== 'Conflict') return wrote;
    last = wrote.error;
  }
  return last ? err(last) : ok(undefined);
}
