/**
 * The HelmRepository reconciler: fetch an http(s) repository's index.yaml on its interval (into
 * the chart caches the Syncs' renders read), report it in status (Ready, the index digest, its
 * charts and versions), and wake the Syncs whose chart comes from it when the digest changes. A
 * failed fetch keeps the last digest and says why (unreachable, refused credentials, bad index).
 * Status is written only when it changes: an interval fetch of the same index writes nothing.
 */
import {
  parseDuration,
  parseHelmRepository,
  type HelmRepository,
  type HelmRepositoryStatus,
} from '../api/index.ts';
import {
  Annotations,
  backoffDelay,
  ConditionReasons,
  ConditionStatuses,
  ConditionTypes,
  type ConditionStatus,
  removeCondition,
  setCondition,
  type KubeObject,
  type Random,
  type SecretReader,
} from '../core/index.ts';
import type { KubeClient } from '../kube/index.ts';
import type {
  HelmIndexes,
  HelmRepositoryAccess,
  IndexError,
  IndexErrorCode,
  IndexSnapshot,
} from '../source/index.ts';
import type { EventRecorder } from './events.ts';
import { writeStatus } from './status.ts';
import { ReconcileOutcomes, type Clock, type Logger, type ReconcileOutcome } from './types.ts';

export type HelmRepositoryDeps = {
  readonly kube: KubeClient;
  readonly indexes: HelmIndexes;
  readonly readSecret: SecretReader;
  readonly clock: Pick<Clock, 'now'>;
  readonly random: Random;
  readonly logger: Logger;
  readonly events: EventRecorder;
  /** The index digest changed: wake the Syncs whose chart comes from this repository. */
  readonly onIndex: (namespace: string, name: string) => void;
  readonly requeue: (key: string, delayMs: number) => void;
};

/** The condition reason for each way a fetch fails. */
const REASONS: Record<IndexErrorCode, string> = {
  unreachable: ConditionReasons.Unreachable,
  timeout: ConditionReasons.Timeout,
  unauthorized: ConditionReasons.AuthenticationFailed,
  http: ConditionReasons.IndexFetchFailed,
  invalid: ConditionReasons.IndexInvalid,
};

/** The Ready reason of a failed index fetch. Pure. */
export const indexFailureReason = (code: IndexErrorCode): string => REASONS[code];

type Failure = { readonly reason: string; readonly message: string };

const stamp = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The status after a fetch (or a failure): the last artifact kept on failure. Pure. */
export function nextStatus(
  repo: HelmRepository,
  outcome:
    { readonly index: IndexSnapshot } | { readonly failure: Failure } | { readonly oci: true },
  now: Date,
): HelmRepositoryStatus {
  const status = repo.status ?? {};
  const requested = repo.metadata.annotations?.[Annotations.reconcileRequestedAt];
  const observedGeneration = repo.metadata.generation;
  let ready: { status: ConditionStatus; reason: string; message: string };
  let index: Pick<HelmRepositoryStatus, 'artifact' | 'charts' | 'versions'> = {};
  if ('index' in outcome) {
    const { digest, charts, versions, fetchedAt } = outcome.index;
    const same = status.artifact?.digest === digest;
    index = {
      artifact:
        same && status.artifact ? status.artifact : { digest, lastUpdateTime: stamp(fetchedAt) },
      charts,
      versions,
    };
    const message = `index ${digest}: ${charts} charts, ${versions} versions`;
    ready = { status: ConditionStatuses.True, reason: ConditionReasons.Succeeded, message };
  } else if ('oci' in outcome) {
    const message = 'an OCI registry has no index: each Sync resolves its chart version';
    ready = { status: ConditionStatuses.True, reason: ConditionReasons.Succeeded, message };
  } else {
    const { artifact, charts, versions } = status;
    index = {
      ...(artifact ? { artifact } : {}),
      ...(charts === undefined ? {} : { charts }),
      ...(versions === undefined ? {} : { versions }),
    };
    ready = { status: ConditionStatuses.False, ...outcome.failure };
  }
  let conditions = setCondition(
    status.conditions,
    { type: ConditionTypes.Ready, ...ready, observedGeneration },
    now,
  );
  conditions = removeCondition(conditions, ConditionTypes.Reconciling);
  return {
    ...status,
    ...index,
    conditions,
    observedGeneration,
    ...(requested ? { lastHandledReconcileAt: requested } : {}),
  };
}

const about = (obj: KubeObject) => ({
  apiVersion: obj.apiVersion,
  kind: obj.kind,
  namespace: obj.metadata.namespace ?? '',
  name: obj.metadata.name ?? '',
  uid: obj.metadata.uid,
});

/** How to reach the repository: URL, limits and the basic auth of spec.secretRef. */
async function accessOf(
  repo: HelmRepository,
  readSecret: SecretReader,
  signal: AbortSignal,
): Promise<HelmRepositoryAccess | Failure> {
  const namespace = repo.metadata.namespace ?? '';
  let auth = {};
  if (repo.spec.secretRef) {
    const name = repo.spec.secretRef.name;
    const data = await readSecret(namespace, name, signal);
    if (!data)
      return {
        reason: ConditionReasons.SecretNotFound,
        message: `Secret ${namespace}/${name} not found`,
      };
    auth = { username: data.username ?? '', password: data.password ?? '' };
  }
  return {
    url: repo.spec.url,
    intervalMs: parseDuration(repo.spec.interval),
    timeoutMs: parseDuration(repo.spec.timeout),
    ...auth,
  };
}

/** A fetch is forced by a spec edit and by `moor reconcile`; else the cached index serves. */
function forced(repo: HelmRepository): boolean {
  const status = repo.status ?? {};
  const requested = repo.metadata.annotations?.[Annotations.reconcileRequestedAt];
  const edited =
    status.observedGeneration !== undefined &&
    status.observedGeneration !== repo.metadata.generation;
  return edited || (requested !== undefined && requested !== status.lastHandledReconcileAt);
}

/** Writes the status; on a failure also warns (once per message) and retries with backoff. */
async function report(
  { obj, repo }: { readonly obj: KubeObject; readonly repo: HelmRepository },
  status: HelmRepositoryStatus,
  failure: Failure | undefined,
  deps: HelmRepositoryDeps,
  signal: AbortSignal,
): Promise<void> {
  const log = deps.logger.child({
    helmrepository: `${repo.metadata.namespace ?? ''}/${repo.metadata.name}`,
  });
  const wrote = await writeStatus(deps.kube, obj, status, signal);
  if (wrote.error) log.warn({ err: wrote.error }, 'status not written');
  if (!failure) return;
  const before = repo.status?.conditions?.find((c) => c.type === ConditionTypes.Ready);
  if (before?.status === ConditionStatuses.False && before.message === failure.message) return;
  log.warn({ err: failure.message }, 'index fetch failed');
  deps.events.record(about(obj), 'Warning', failure.reason, failure.message);
}

export async function reconcileHelmRepository(
  obj: KubeObject,
  failures: Map<string, number>,
  deps: HelmRepositoryDeps,
  signal: AbortSignal,
): Promise<ReconcileOutcome | undefined> {
  const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
  const parsed = parseHelmRepository(obj);
  const now = deps.clock.now();
  if (!parsed.ok) {
    const failure = { reason: ConditionReasons.InvalidSpec, message: parsed.error.message };
    const repo = { metadata: obj.metadata, status: obj.status } as unknown as HelmRepository;
    await report({ obj, repo }, nextStatus(repo, { failure }, now), failure, deps, signal);
    return ReconcileOutcomes.failure;
  }
  const repo = parsed.value;
  if (repo.spec.suspend) return undefined;
  if (repo.spec.url.startsWith('oci://')) {
    await report({ obj, repo }, nextStatus(repo, { oci: true }, now), undefined, deps, signal);
    return ReconcileOutcomes.success;
  }
  const access = await accessOf(repo, deps.readSecret, signal);
  const fetched: { ok: true; value: IndexSnapshot } | { ok: false; error: IndexError | Failure } =
    'url' in access
      ? await deps.indexes.index(access, signal, { force: forced(repo) })
      : { ok: false, error: access };
  if (signal.aborted) return ReconcileOutcomes.abandoned;
  const intervalMs = parseDuration(repo.spec.interval);
  if (!fetched.ok) {
    const error = fetched.error;
    const failure =
      'code' in error ? { reason: indexFailureReason(error.code), message: error.message } : error;
    const n = (failures.get(key) ?? 0) + 1;
    failures.set(key, n);
    await report({ obj, repo }, nextStatus(repo, { failure }, now), failure, deps, signal);
    deps.requeue(key, Math.min(backoffDelay(n, 1000, intervalMs), intervalMs));
    return ReconcileOutcomes.failure;
  }
  failures.delete(key);
  const index = fetched.value;
  // The Syncs read the index from the cache it was just put in, not from this status.
  if (repo.status?.artifact?.digest !== index.digest)
    deps.onIndex(repo.metadata.namespace ?? '', repo.metadata.name);
  await report({ obj, repo }, nextStatus(repo, { index }, now), undefined, deps, signal);
  // Due when the cached index turns stale, with up to a tenth of the interval's spread.
  const spread = Math.round(deps.random() * intervalMs * 0.1);
  deps.requeue(key, Math.max(0, intervalMs - index.ageMs) + spread);
  return ReconcileOutcomes.success;
}
