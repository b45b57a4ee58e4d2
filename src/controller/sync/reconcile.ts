/**
 * The Sync reconciler, the effectful shell: gather (dependencies, the source's artifact, render,
 * plan and apply, one health assessment), let `decide` decide, then write what it decided (status,
 * events, announcements, metrics, requeue). Quiet when nothing changed: no status write, no event.
 */
import { parseDuration, parseServedSync, type Sync } from '../../api/index.ts';
import {
  ConditionReasons,
  type KubeObject,
  type Random,
  type Result,
  nameKeyOf,
} from '../../core/index.ts';
import type { EventInput } from '../../notify/index.ts';
import type { SourceError, StoredArtifact } from '../../source/index.ts';
import type { EventRecorder } from '../events.ts';
import type { HistoryMemo } from '../history/memo.ts';
import type { HistoryCommit } from '../history/record.ts';
import { writeStatus } from '../status.ts';
import { ReconcileOutcomes, type Clock, type Logger, type ReconcileOutcome } from '../types.ts';
import {
  applyRevision,
  applyUnchanged,
  type ApplyStep,
  type ClusterView,
  type DesiredMemory,
} from './apply.ts';
import { decide } from './decide.ts';
import { ensureFinalizer, finalizeSync } from './finalize.ts';
import { unreadyDependencies } from './dependencies.ts';
import type { Decision, SyncOutcome } from './outcome.ts';
import { commitOf, keepRecord } from './history-write.ts';
import { reportClaims } from './adoption.ts';
import { stampShard } from '../shard.ts';
import type { RenderHandles } from './render.ts';
import { renderStep, withChart } from './render-step.ts';
import { gatherRenderInputs } from './render-inputs.ts';
import { skippable, type LastApply } from './skip.ts';
import { reportOutage, type OutageNotes } from './outage.ts';
import { noArtifact, type SourceView } from './source.ts';
import type { SyncStatus } from './status.ts';
import { refNameOf, targetOf, type Target } from './target.ts';

/** The Sync's sources as the operator knows them. */
export type SyncSources = SourceView & {
  readonly artifact: (namespace: string, name: string) => StoredArtifact | undefined;
  /** The revision a GitRepository's status says it published (this process may not hold it yet). */
  readonly published: (namespace: string, name: string) => string | undefined;
  /** The artifact of an earlier commit of the source (a pin, a rollback). */
  readonly revision: (
    source: { readonly namespace: string; readonly name: string },
    sha: string,
    refName: string,
    signal: AbortSignal,
  ) => Promise<Result<StoredArtifact, SourceError>>;
};

/** A pinned or rolled-back revision that cannot be had (not in the mirror, not fetchable). */
const REVISION_UNAVAILABLE = 'RevisionUnavailable';

/** Where a reconcile's decision goes. */
export type SyncReport = {
  readonly events: Pick<EventRecorder, 'record'>;
  /** Feedback for Alerts and Providers; never blocks. */
  readonly announce: (event: EventInput) => void;
  /** A Sync converged on a revision (for the commit-to-converged metric). */
  readonly observeConverged: (syncKey: string, revision: string) => void;
  readonly observeObjects: (syncKey: string, inSync: number, drifted: number) => void;
  readonly requeue: (key: string, delayMs: number) => void;
};

export type SyncReconcilerDeps = {
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly concurrency: number;
  /** Consecutive failures per Sync, for the backoff. */
  readonly failures: Map<string, number>;
  readonly lookupSync: (namespace: string, name: string) => KubeObject | undefined;
  readonly sources: SyncSources;
  readonly cluster: ClusterView;
  readonly memory: DesiredMemory;
  /** Each Sync's last successful apply, so a revision that changes none of it is skipped. */
  readonly lastApplies: Map<string, LastApply>;
  /** The SyncHistory last written per Sync, so a record is one update (ADR 0036). */
  readonly histories?: HistoryMemo;
  readonly render: RenderHandles;
  readonly report: SyncReport;
  /** While another operator writes this Sync (ADR 0018): it and the milliseconds left. */
  readonly yielding: (key: string) => { other: string; remainingMs: number } | undefined;
  /** API-server outages that cut a Sync's reconcile short, to report in its next status write. */
  readonly outages?: OutageNotes;
  /** `--shard`: stamped on every object applied, for the sharded live cache (ADR 0032). */
  readonly shard?: string | undefined;
  /** In the queue's skip lane: a Sync that must render is deferred, not rendered (ADR 0036). */
  readonly skipOnly?: boolean;
};

/** One reconcile of one Sync. */
type Run = {
  readonly obj: KubeObject;
  readonly key: string;
  readonly startedAt: Date;
  readonly log: Logger;
  readonly signal: AbortSignal;
};

const failed = (reason: string, message: string, stalled = false): SyncOutcome => ({
  kind: 'failed',
  reason,
  message,
  ...(stalled ? { stalled } : {}),
});

export async function reconcileSync(
  obj: KubeObject,
  deps: SyncReconcilerDeps,
  signal: AbortSignal,
): Promise<ReconcileOutcome | undefined> {
  const key = nameKeyOf(obj);
  let run: Run = {
    obj,
    key,
    startedAt: deps.clock.now(),
    log: deps.logger.child({ sync: key }),
    signal,
  };
  const parsed = parseServedSync(obj);
  if (obj.metadata.deletionTimestamp !== undefined)
    return finalizeSync(obj, parsed.ok ? parsed.value : undefined, deps, run);
  if (!parsed.ok) {
    const sync = { ...(obj as unknown as Sync), spec: { interval: '10m' } as Sync['spec'] };
    const outcome = failed(ConditionReasons.InvalidSpec, parsed.error.message, true);
    return conclude(deps, run, { sync, status: obj.status ?? {}, outcome });
  }
  if (parsed.value.spec.suspend) return undefined;
  const other = deps.yielding(key);
  if (other) {
    // Another operator writes this Sync: writing back would fight it. Reported when first seen.
    run.log.debug({ other: other.other }, 'left to another operator');
    deps.report.requeue(key, other.remainingMs);
    return undefined;
  }
  const noted = await reportOutage(deps, run, parsed.value, signal);
  run = { ...run, obj: noted.obj };
  const sync = noted.sync;
  const status = sync.status ?? {};
  const waiting = unreadyDependencies(sync, deps.lookupSync);
  if (waiting.length > 0) {
    const names = waiting.map((w) => `Sync ${w}`).join(', ');
    const outcome = failed(ConditionReasons.DependencyNotReady, `waiting for ${names} to be Ready`);
    return conclude(deps, run, { sync, status, outcome });
  }
  const namespace = sync.spec.sourceRef.namespace ?? sync.metadata.namespace ?? '';
  const name = sync.spec.sourceRef.name;
  const artifact = deps.sources.artifact(namespace, name);
  if (!artifact && deps.sources.published(namespace, name)) {
    // Published before this process started and not on disk here: the source fetches it again
    // and wakes this Sync. Until then the cluster is as the last apply left it; nothing to say.
    run.log.debug({ source: `${namespace}/${name}` }, 'waiting for the artifact');
    deps.report.requeue(key, parseDuration(sync.spec.interval));
    return undefined;
  }
  if (!artifact) {
    const outcome = noArtifact(deps.sources, namespace, name);
    return conclude(deps, run, { sync, status, outcome });
  }
  return applyTarget(deps, run, sync, { namespace, name, artifact });
}

/** The source's newest artifact, or the pinned or rolled-back revision's instead (ADR 0019). */
async function applyTarget(
  deps: SyncReconcilerDeps,
  run: Run,
  sync: Sync,
  source: { namespace: string; name: string; artifact: StoredArtifact },
): Promise<ReconcileOutcome> {
  const { artifact } = source;
  const status = sync.status ?? {};
  const target = targetOf(sync, status, artifact.revision);
  if (!target) return applyArtifact(deps, run, sync, artifact);
  const refName = refNameOf(artifact.revision);
  const older = await deps.sources.revision(source, target.sha, refName, run.signal);
  if (older.ok) return applyArtifact(deps, run, sync, older.value, target);
  const outcome = failed(REVISION_UNAVAILABLE, older.error.message);
  return conclude(deps, run, { sync, status, outcome, target });
}

/** Render and apply the artifact, or skip both when nothing this Sync renders changed. */
async function stepOf(
  deps: SyncReconcilerDeps,
  run: Run,
  sync: Sync,
  artifact: StoredArtifact,
): Promise<ApplyStep | SyncOutcome | typeof ReconcileOutcomes.deferred> {
  const status = sync.status ?? {};
  const { revision } = artifact;
  const announce = announcer(deps.report, sync);
  const inputs = await gatherRenderInputs(deps.render, sync, run.signal);
  if (!inputs.ok) {
    deps.lastApplies.delete(run.key);
    const { reason, message } = inputs.error;
    const extra = { lastAttemptedRevision: revision };
    return { kind: 'failed', reason, message: `revision ${revision}: ${message}`, extra };
  }
  const previous = deps.lastApplies.get(run.key);
  const inputsChanged = (status.lastAppliedInputs ?? '') !== inputs.value.digest;
  const start = {
    obj: run.obj,
    sync,
    key: run.key,
    status,
    startedAt: run.startedAt,
    revision,
    inputs: inputs.value.digest,
  };
  const last = skippable({
    sync,
    status,
    revision,
    changes: artifact.changes,
    last: inputsChanged ? undefined : previous,
    live: deps.cluster.live,
  });
  if (last) {
    run.log.debug({ revision }, 'nothing this Sync renders changed: not rendered, not applied');
    const step = await applyUnchanged(
      { ...deps, announce },
      { ...start, desired: [...last.desired], renderMs: 0 },
      run.signal,
    );
    if (step !== 'abandoned') deps.lastApplies.set(run.key, { ...last, revision });
    return step;
  }
  if (deps.skipOnly) return ReconcileOutcomes.deferred;
  const rendered = await renderStep(deps, sync, artifact, inputs.value, run.signal);
  if ('kind' in rendered) {
    deps.lastApplies.delete(run.key);
    return rendered;
  }
  const { renderMs } = rendered;
  const desired = rendered.value.objects.map((r) => stampShard(r.object, deps.shard));
  const step = await applyRevision(
    { ...deps, announce },
    { ...withChart(start, rendered.value.helm), desired, renderMs },
    run.signal,
  );
  if (step !== 'abandoned' && step.outcome.kind === 'applied') {
    const { reads } = rendered.value;
    const generation = sync.metadata.generation;
    deps.lastApplies.set(run.key, { revision, generation, reads, desired });
  } else deps.lastApplies.delete(run.key);
  return step;
}

async function applyArtifact(
  deps: SyncReconcilerDeps,
  run: Run,
  sync: Sync,
  artifact: StoredArtifact,
  target?: Target,
): Promise<ReconcileOutcome> {
  // Nothing is applied before the finalizer that deletes it with the Sync is in place.
  const held = await ensureFinalizer(deps.cluster.kube, run.obj, run.signal);
  if (!held.ok) {
    const outcome = failed(ConditionReasons.ApplyFailed, held.message);
    return conclude(deps, run, { sync, status: sync.status ?? {}, outcome, target });
  }
  return applyHeld(deps, { ...run, obj: held.obj }, sync, artifact, target);
}

async function applyHeld(
  deps: SyncReconcilerDeps,
  run: Run,
  sync: Sync,
  artifact: StoredArtifact,
  target: Target | undefined,
): Promise<ReconcileOutcome> {
  const step = await stepOf(deps, run, sync, artifact);
  if (step === ReconcileOutcomes.deferred) return step;
  if (step !== 'abandoned' && 'kind' in step) {
    const commit = commitOf(artifact);
    const gathered = { sync, status: sync.status ?? {}, outcome: step, commit, target };
    return conclude(deps, run, gathered);
  }
  if (step === 'abandoned') return abandon(run);
  reportClaims(deps.report.events, run.obj, step);
  return conclude(
    deps,
    { ...run, obj: step.obj },
    { sync, status: step.status, outcome: step.outcome, commit: commitOf(artifact), target },
  );
}

/**
 * A reconcile cut short by the operator stopping (its signal aborted) is no failure of the Sync:
 * whatever it saw (an aborted read, a health wait cut short) says nothing about the Sync. It
 * writes no status and no event, announces nothing and is not requeued; the next run redoes it.
 */
function abandon(run: Run): typeof ReconcileOutcomes.abandoned {
  run.log.info('reconcile abandoned: the operator is stopping');
  return ReconcileOutcomes.abandoned;
}

const sourceOf = (sync: Sync) => ({
  kind: 'Sync' as const,
  namespace: sync.metadata.namespace ?? '',
  name: sync.metadata.name,
});

function announcer(report: SyncReport, sync: Sync) {
  return (a: Omit<EventInput, 'source'>) => report.announce({ ...a, source: sourceOf(sync) });
}

/** Decides from the outcome and writes the decision: status, log, events, feedback, requeue. */
async function conclude(
  deps: SyncReconcilerDeps,
  run: Run,
  gathered: {
    sync: Sync;
    status: SyncStatus;
    outcome: SyncOutcome;
    commit?: HistoryCommit | undefined;
    target?: Target | undefined;
  },
): Promise<ReconcileOutcome> {
  if (run.signal.aborted) return abandon(run);
  const { sync, outcome, commit } = gathered;
  const decision = decide({
    sync,
    status: gathered.status,
    outcome,
    target: gathered.target,
    startedAt: run.startedAt,
    now: deps.clock.now(),
    failures: deps.failures.get(run.key) ?? 0,
    draw: outcome.kind === 'applied' ? deps.random() : 0,
  });
  const { kube, operatorId } = deps.cluster;
  // An API-server outage that began and ended while this reconcile ran is said first.
  const noted = await reportOutage(deps, run, { ...sync, status: gathered.status }, run.signal);
  const res = await writeStatus(kube, noted.obj, decision.status, run.signal, operatorId);
  if (res.error) run.log.warn({ err: res.error }, 'status not written');
  const record = { sync, before: gathered.status, decision, outcome, commit };
  await keepRecord(kube, run, record, deps.histories);
  report(deps.report, run, sync, decision);
  if (decision.failures === 0) deps.failures.delete(run.key);
  else deps.failures.set(run.key, decision.failures);
  deps.report.requeue(run.key, decision.requeueMs);
  return decision.result;
}

function report(r: SyncReport, run: Run, sync: Sync, decision: Decision): void {
  const about = {
    apiVersion: run.obj.apiVersion,
    kind: run.obj.kind,
    namespace: sync.metadata.namespace ?? '',
    name: sync.metadata.name,
    uid: run.obj.metadata.uid,
  };
  for (const l of decision.logs) run.log[l.level](l.fields, l.message);
  for (const e of decision.events)
    r.events.record(about, e.type, e.reason, e.message, e.annotations);
  const announce = announcer(r, sync);
  for (const a of decision.announcements) announce(a);
  if (decision.converged) r.observeConverged(run.key, decision.converged);
  if (decision.objects)
    r.observeObjects(run.key, decision.objects.inSync, decision.objects.drifted);
}
