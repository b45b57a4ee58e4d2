/**
 * Where a Sync's history lives (ADR 0019, ADR 0032): the SyncHistory of the Sync's name in its
 * namespace, owned by the Sync (deleted with it), the gzipped ring in `spec.ring`. Read, add,
 * write with optimistic concurrency; on a conflict read again and retry.
 *
 * Before ADR 0032 the ring was in the ConfigMap `moor-history-<sync>`. A Sync without a
 * SyncHistory yet is read from that ConfigMap; the first record written copies it over and then
 * deletes the ConfigMap (where the operator may; see legacy.ts).
 */
import {
  API_GROUP_VERSION,
  Kinds,
  Labels,
  err,
  ok,
  type KubeObject,
  type Result,
} from '../../core/index.ts';
import type { KubeClient, KubeError } from '../../kube/index.ts';
import { decodeRing, encodeRingCounted } from './codec.ts';
import { dropLegacy, legacyHistoryName, readLegacy, type LegacyOutcome } from './legacy.ts';
import type { HistoryMemo } from './memo.ts';
import { appendRecord, emptyRing, type HistoryRing, type NewRecord } from './record.ts';

const ATTEMPTS = 3;

export type SyncRef = {
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string | undefined;
  readonly apiVersion: string;
};

/** The SyncHistory's name: the Sync's own (both are DNS subdomains of the same namespace). */
export function historyName(sync: string): string {
  return sync;
}

const refOf = (sync: Pick<SyncRef, 'namespace' | 'name'>) => ({
  apiVersion: API_GROUP_VERSION,
  kind: Kinds.SyncHistory,
  namespace: sync.namespace,
  name: historyName(sync.name),
});

/** The ring a SyncHistory holds (empty when it holds none); HistoryFormatError when unreadable. */
export function ringOf(history: KubeObject | undefined): HistoryRing {
  const data = (history?.spec as { ring?: unknown } | undefined)?.ring;
  if (typeof data !== 'string' || data === '') return emptyRing;
  return decodeRing(
    Buffer.from(data, 'base64'),
    `SyncHistory ${history?.metadata.namespace ?? ''}/${history?.metadata.name ?? ''}`,
  );
}

/** A ring that cannot be read is started again rather than blocking every later record. */
function readable(read: () => HistoryRing): HistoryRing {
  try {
    return read();
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
  const got = await kube.get(refOf(sync), signal);
  if (!got.ok) return got;
  if (got.value) return ok(ringOf(got.value));
  const legacy = await readLegacy(kube, sync, signal);
  return legacy.ok ? ok(legacy.value.ring) : legacy;
}

function historyOf(sync: SyncRef, ring: HistoryRing, previous: KubeObject | undefined) {
  const ref = refOf(sync);
  const owner = sync.uid
    ? [{ apiVersion: sync.apiVersion, kind: Kinds.Sync, name: sync.name, uid: sync.uid }]
    : undefined;
  const encoded = encodeRingCounted(ring);
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: {
      ...(previous?.metadata ?? {}),
      name: ref.name,
      namespace: ref.namespace,
      labels: { ...(previous?.metadata.labels ?? {}), [Labels.historyOf]: sync.name },
      ...(owner ? { ownerReferences: owner } : {}),
    },
    // The count of what was kept: the encoding may have dropped the oldest to fit.
    spec: { syncName: sync.name, records: encoded.records, ring: encoded.bytes.toString('base64') },
  } as KubeObject;
}

/** What a write did besides: copied the old history ConfigMap (named) and deleted or kept it. */
export type RecordOutcome =
  { readonly migrated: false } | { readonly migrated: LegacyOutcome; readonly configMap: string };

/**
 * Adds one record to a Sync's history (replacing the newest when it is the same apply). With a
 * memo of what this operator wrote last, the first try updates that without reading it.
 */
export async function recordApply(
  kube: KubeClient,
  sync: SyncRef,
  record: NewRecord,
  signal: AbortSignal,
  memo?: HistoryMemo,
): Promise<Result<RecordOutcome, KubeError>> {
  const key = `${sync.namespace}/${sync.name}`;
  const known = memo?.take(key);
  if (known) {
    const history = historyOf(
      sync,
      appendRecord(
        readable(() => ringOf(known)),
        record,
      ),
      known,
    );
    const wrote = await kube.update(history, signal);
    if (wrote.ok) {
      memo?.keep(key, wrote.value);
      return ok({ migrated: false });
    }
    // Changed or deleted since this operator wrote it: read it, as without a memo.
    if (wrote.error.code !== 'Conflict' && wrote.error.code !== 'NotFound') return wrote;
  }
  let last: KubeError | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const wrote = await readAndWrite(kube, sync, record, signal);
    if (wrote.ok) {
      memo?.keep(key, wrote.value.history);
      return wrote.value.legacyFound ? migrated(kube, sync, signal) : ok({ migrated: false });
    }
    // Conflict: changed since read, or created meanwhile (409 AlreadyExists).
    if (wrote.error.code !== 'Conflict') return wrote;
    last = wrote.error;
  }
  return last ? err(last) : ok({ migrated: false });
}

/** Reads the history (or its old ConfigMap), adds the record and writes it back once. */
async function readAndWrite(
  kube: KubeClient,
  sync: SyncRef,
  record: NewRecord,
  signal: AbortSignal,
): Promise<Result<{ history: KubeObject; legacyFound: boolean }, KubeError>> {
  const got = await kube.get(refOf(sync), signal);
  if (!got.ok) return got;
  const legacy = got.value ? undefined : await readLegacy(kube, sync, signal);
  if (legacy && !legacy.ok) return legacy;
  const before = got.value ? readable(() => ringOf(got.value)) : (legacy?.value.ring ?? emptyRing);
  const history = historyOf(sync, appendRecord(before, record), got.value);
  const wrote = got.value ? await kube.update(history, signal) : await kube.create(history, signal);
  if (!wrote.ok) return wrote;
  return ok({ history: wrote.value, legacyFound: legacy?.value.found === true });
}

async function migrated(
  kube: KubeClient,
  sync: SyncRef,
  signal: AbortSignal,
): Promise<Result<RecordOutcome, KubeError>> {
  const dropped = await dropLegacy(kube, sync, signal);
  if (!dropped.ok) return dropped;
  return ok({ migrated: dropped.value, configMap: legacyHistoryName(sync.name) });
}
