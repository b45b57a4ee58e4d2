/**
 * The GitRepository reconciler: fetch the newest revision of the ref into an artifact, publish it
 * in status, and wake the Syncs that use it at once. An unreachable or refusing server keeps the
 * last good artifact and marks the source not Ready with the reason; a URL Moor refuses also
 * marks it Stalled and is not retried until the spec changes.
 */
import { parseDuration, parseGitRepository, type GitRepository } from '../api/index.ts';
import {
  backoffDelay,
  ConditionReasons,
  ConditionStatuses,
  ConditionTypes,
  removeCondition,
  setCondition,
  jitter,
  type Condition,
  type Random,
  nameKeyOf,
} from '../core/index.ts';
import { Annotations, type KubeObject, type SecretReader } from '../core/index.ts';
import {
  fetchArtifact,
  type ArtifactStore,
  type SourceError,
  type StoredArtifact,
} from '../source/index.ts';
import type { GitClient } from '../git/index.ts';
import type { KubeClient } from '../kube/index.ts';
import type { EventRecorder } from './events.ts';
import { fetchFailureMessage, fetchFailureReason } from './git-repository-reasons.ts';
import { restoreArtifact } from './restore-artifacts.ts';
import { writeStatus } from './status.ts';
import { ReconcileOutcomes, type Clock, type Logger } from './types.ts';

export type ArtifactRegistry = Map<string, StoredArtifact>;

export type SourceReconcilerDeps = {
  readonly kube: KubeClient;
  readonly git: GitClient;
  readonly store: ArtifactStore;
  readonly artifacts: ArtifactRegistry;
  readonly allowFileUrls: boolean;
  readonly clock: Pick<Clock, 'now'>;
  readonly random: Random;
  readonly logger: Logger;
  readonly events: EventRecorder;
  /** Called when a source publishes a new artifact: wake its Syncs now. */
  readonly onArtifact: (namespace: string, name: string) => void;
  readonly requeue: (key: string, delayMs: number) => void;
  /** When each source (by `namespace/name`) last fetched successfully in this process. */
  readonly fetchedAt?: Map<string, Date>;
  readonly readSecret: SecretReader;
};

type Status = NonNullable<GitRepository['status']>;

type Ctx = {
  readonly obj: KubeObject;
  readonly repo: GitRepository;
  readonly key: string;
  readonly status: Status;
  readonly base: Status;
  readonly now: Date;
  readonly log: Logger;
  readonly deps: SourceReconcilerDeps;
  readonly signal: AbortSignal;
};

const about = (ctx: Ctx) => ({
  apiVersion: ctx.obj.apiVersion,
  kind: ctx.obj.kind,
  namespace: ctx.repo.metadata.namespace ?? '',
  name: ctx.repo.metadata.name,
  uid: ctx.obj.metadata.uid,
});

async function reportInvalid(
  obj: KubeObject,
  message: string,
  deps: SourceReconcilerDeps,
  signal: AbortSignal,
): Promise<'failure'> {
  const now = deps.clock.now();
  const previous = (obj.status as Status | undefined)?.conditions as Condition[] | undefined;
  const invalid = {
    status: ConditionStatuses.False,
    reason: ConditionReasons.InvalidSpec,
    message,
  };
  let conditions = setCondition(previous, { type: ConditionTypes.Ready, ...invalid }, now);
  conditions = setCondition(
    conditions,
    { type: ConditionTypes.Stalled, ...invalid, status: ConditionStatuses.True },
    now,
  );
  const status = {
    ...(obj.status as object),
    conditions,
    observedGeneration: obj.metadata.generation,
  };
  await writeStatus(deps.kube, obj, status, signal);
  return 'failure';
}

async function reportFailure(
  ctx: Ctx,
  error: SourceError,
  failures: Map<string, number>,
): Promise<'failure'> {
  const { deps, repo, status } = ctx;
  const n = (failures.get(ctx.key) ?? 0) + 1;
  failures.set(ctx.key, n);
  const current = status.artifact;
  const message = fetchFailureMessage(error.message, current, deps.fetchedAt?.get(ctx.key));
  const { reason, stalled } = fetchFailureReason(error.code);
  const failure = {
    status: ConditionStatuses.False,
    reason,
    message,
    observedGeneration: repo.metadata.generation,
  };
  let conditions = setCondition(
    status.conditions,
    { type: ConditionTypes.Ready, ...failure },
    ctx.now,
  );
  conditions = removeCondition(conditions, ConditionTypes.Reconciling);
  conditions = stalled
    ? setCondition(
        conditions,
        { type: ConditionTypes.Stalled, ...failure, status: ConditionStatuses.True },
        ctx.now,
      )
    : removeCondition(conditions, ConditionTypes.Stalled);
  const ready = status.conditions?.find((c) => c.type === ConditionTypes.Ready);
  const repeated = ready?.status === ConditionStatuses.False && ready.message === message;
  await writeStatus(deps.kube, ctx.obj, { ...ctx.base, conditions }, ctx.signal);
  if (!repeated) {
    ctx.log.warn({ err: error.message }, 'fetch failed');
    deps.events.record(about(ctx), 'Warning', reason, message);
  }
  // An artifact still on disk from before this process keeps serving the Syncs.
  const namespace = repo.metadata.namespace ?? '';
  if (await restoreArtifact(namespace, repo.metadata.name, current, deps.store, deps.artifacts))
    deps.onArtifact(namespace, repo.metadata.name);
  // A refused URL waits for a spec change (a new generation wakes it), not for a retry.
  if (stalled) return 'failure';
  const intervalMs = parseDuration(repo.spec.interval);
  deps.requeue(ctx.key, Math.min(backoffDelay(n, 1000, intervalMs), intervalMs));
  return 'failure';
}

async function publish(ctx: Ctx, artifact: StoredArtifact): Promise<'success'> {
  const { deps, repo, status } = ctx;
  const namespace = repo.metadata.namespace ?? '';
  const name = repo.metadata.name;
  const previous = deps.artifacts.get(ctx.key);
  deps.artifacts.set(ctx.key, artifact);
  const isNew =
    status.artifact?.digest !== artifact.digest || status.artifact.revision !== artifact.revision;
  let conditions = setCondition(
    status.conditions,
    {
      type: ConditionTypes.Ready,
      status: ConditionStatuses.True,
      reason: ConditionReasons.Succeeded,
      message: `stored artifact for revision ${artifact.revision}`,
      observedGeneration: repo.metadata.generation,
    },
    ctx.now,
  );
  conditions = removeCondition(
    removeCondition(conditions, ConditionTypes.Reconciling),
    ConditionTypes.Stalled,
  );
  const lastUpdateTime = ctx.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const nextStatus = {
    ...ctx.base,
    artifact: isNew
      ? { revision: artifact.revision, digest: artifact.digest, lastUpdateTime }
      : status.artifact,
    conditions,
  };
  // Wake the Syncs first: they read the artifact from memory, not from this status.
  if (isNew || previous?.digest !== artifact.digest) deps.onArtifact(namespace, name);
  const wrote = await writeStatus(deps.kube, ctx.obj, nextStatus, ctx.signal);
  if (wrote.error) ctx.log.warn({ err: wrote.error }, 'status not written');
  if (isNew) {
    ctx.log.info({ revision: artifact.revision }, 'new artifact');
    deps.events.record(
      about(ctx),
      'Normal',
      'NewArtifact',
      `stored artifact for revision ${artifact.revision}`,
      {
        'moor.dev/revision': artifact.revision,
      },
    );
  }
  // Keep the artifact before this one for Syncs still rendering it; remove the rest.
  const keep = new Set([artifact.digest, ...(previous ? [previous.digest] : [])]);
  await deps.store.collectGarbage(namespace, name, keep);
  deps.requeue(ctx.key, jitter(parseDuration(repo.spec.interval), deps.random));
  return 'success';
}

export async function reconcileGitRepository(
  obj: KubeObject,
  failures: Map<string, number>,
  deps: SourceReconcilerDeps,
  signal: AbortSignal,
): Promise<'success' | 'failure' | 'abandoned' | undefined> {
  const key = nameKeyOf(obj);
  const parsed = parseGitRepository(obj);
  if (!parsed.ok) return reportInvalid(obj, parsed.error.message, deps, signal);
  const repo = parsed.value;
  if (repo.spec.suspend) return undefined;
  const status: Status = repo.status ?? {};
  const requested = repo.metadata.annotations?.[Annotations.reconcileRequestedAt];
  const base: Status = {
    ...status,
    observedGeneration: repo.metadata.generation,
    ...(requested ? { lastHandledReconcileAt: requested } : {}),
  };
  const ctx: Ctx = {
    obj,
    repo,
    key,
    status,
    base,
    now: deps.clock.now(),
    log: deps.logger.child({ gitrepository: key }),
    deps,
    signal,
  };
  const current =
    status.artifact?.revision && status.artifact.digest
      ? { revision: status.artifact.revision, digest: status.artifact.digest }
      : undefined;
  const fetched = await fetchArtifact(
    {
      namespace: repo.metadata.namespace ?? '',
      name: repo.metadata.name,
      spec: repo.spec,
      current,
    },
    {
      git: deps.git,
      store: deps.store,
      allowFileUrls: deps.allowFileUrls,
      readSecret: deps.readSecret,
      signal: AbortSignal.any([signal, AbortSignal.timeout(parseDuration(repo.spec.timeout))]),
    },
  );
  // A fetch cut short by the operator stopping is no failure of the source: write nothing, send
  // no event; the next run fetches again.
  if (signal.aborted) {
    ctx.log.info('reconcile abandoned: the operator is stopping');
    return ReconcileOutcomes.abandoned;
  }
  if (!fetched.ok) return reportFailure(ctx, fetched.error, failures);
  failures.delete(key);
  deps.fetchedAt?.set(key, ctx.now);
  return publish(ctx, fetched.value.artifact);
}
