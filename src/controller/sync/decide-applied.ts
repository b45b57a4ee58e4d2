/**
 * The decision after a successful apply: conditions (Ready, Healthy, InSync), status.drift,
 * history, the health wait, what to tell people and when to look again. Pure.
 */
import { HistoryResults, parseDuration } from '../../api/index.ts';
import {
  ConditionReasons,
  ConditionStatuses,
  ConditionTypes,
  getCondition,
  jitter,
  removeCondition,
  type Condition,
} from '../../core/index.ts';
import { decideHealth, type HealthDecision } from './health.ts';
import { differMessage, matchMessage } from './messages.ts';
import { notesOf, type Phase } from './notes.ts';
import type { Applied, ConditionUpdate, DecideInput, Decision } from './outcome.ts';
import {
  appendHistory,
  readyFalse,
  setConditions,
  withoutReconciling,
  type SyncStatus,
} from './status.ts';

export type InSync = {
  readonly update?: ConditionUpdate;
  /** The grace period ran out just now: say Diverged. */
  readonly diverged: boolean;
  readonly alertInMs?: number;
};

/** The InSync condition and whether the grace period just ran out. */
function inSyncOf(input: DecideInput, r: Applied): InSync {
  const { sync, startedAt } = input;
  if (sync.spec.drift.mode === 'Ignore') {
    const update = {
      type: ConditionTypes.InSync,
      status: ConditionStatuses.Unknown,
      reason: ConditionReasons.DriftIgnored,
      message: 'live objects are not compared with Git: spec.drift.mode is Ignore',
    };
    return { update, diverged: false };
  }
  const drift = r.drift?.status;
  if (!drift) {
    const message = matchMessage(r.desiredCount, r.revision);
    const update = {
      type: ConditionTypes.InSync,
      status: ConditionStatuses.True,
      reason: 'InSync',
      message,
    };
    return { update, diverged: false };
  }
  const elapsed = startedAt.getTime() - Date.parse(drift.since ?? startedAt.toISOString());
  const grace = parseDuration(sync.spec.drift.alertAfter);
  const previous = getCondition(input.status.conditions, ConditionTypes.InSync);
  const due = elapsed >= grace;
  const update = {
    type: ConditionTypes.InSync,
    status: ConditionStatuses.False,
    reason: due ? ConditionReasons.Diverged : 'DriftDetected',
    message: differMessage(r.drift?.summary ?? [], r.revision),
  };
  return {
    update,
    diverged: due && previous?.reason !== ConditionReasons.Diverged,
    ...(due ? {} : { alertInMs: grace - elapsed }),
  };
}

/** The three states of a finished apply: converged, still waiting for health, or unhealthy. */
const phaseOf = (health: HealthDecision | undefined): Phase => {
  const status = health?.health.status ?? ConditionStatuses.True;
  if (status === ConditionStatuses.True) return 'healthy';
  return status === ConditionStatuses.Unknown ? 'waiting' : 'unhealthy';
};

function readyOf(revision: string, h: HealthDecision | undefined, phase: Phase): ConditionUpdate {
  const health = h?.health;
  if (phase === 'healthy')
    return {
      type: ConditionTypes.Ready,
      status: ConditionStatuses.True,
      reason: ConditionReasons.Succeeded,
      message: `Applied revision ${revision}`,
    };
  if (phase === 'waiting')
    return {
      type: ConditionTypes.Ready,
      status: ConditionStatuses.Unknown,
      reason: ConditionReasons.Progressing,
      message: `revision ${revision} applied, ${health?.message ?? ''}`,
    };
  return readyFalse(
    health?.reason ?? ConditionReasons.HealthCheckFailed,
    `revision ${revision} applied but not healthy: ${health?.message ?? ''}`,
  );
}

function conditionsOf(
  input: DecideInput,
  r: Applied,
  h: HealthDecision | undefined,
  inSync: InSync,
): Condition[] {
  const phase = phaseOf(h);
  const health = h?.health;
  const reconciling = {
    type: ConditionTypes.Reconciling,
    status: ConditionStatuses.True,
    reason: ConditionReasons.Progressing,
    message: health?.message ?? '',
  };
  const updates = [
    readyOf(r.revision, h, phase),
    ...(health ? [{ type: ConditionTypes.Healthy, ...health }] : []),
    ...(inSync.update ? [inSync.update] : []),
    ...(phase === 'waiting' ? [reconciling] : []),
  ];
  const generation = input.sync.metadata.generation;
  let conditions = setConditions(input.status.conditions, updates, generation, input.now);
  if (phase !== 'waiting') conditions = withoutReconciling(conditions);
  // Without spec.wait nothing is assessed: an old verdict would contradict Ready.
  if (!health) conditions = removeCondition(conditions, ConditionTypes.Healthy);
  return removeCondition(conditions, ConditionTypes.Stalled);
}

/** The health phase of spec.wait from this reconcile's one assessment (undefined: no wait). */
function healthOf(input: DecideInput, r: Applied): HealthDecision | undefined {
  if (!r.health) return undefined;
  return decideHealth({
    previous: input.status.healthWait,
    revision: r.revision,
    generation: input.sync.metadata.generation,
    now: input.now,
    timeoutMs: parseDuration(input.sync.spec.timeout),
    timeout: input.sync.spec.timeout,
    ...r.health,
  });
}

const historyResults: Record<Phase, string> = {
  healthy: HistoryResults.Succeeded,
  waiting: HistoryResults.Progressing,
  unhealthy: HistoryResults.Failed,
};

function historyOf(input: DecideInput, r: Applied, result: string, summary: string) {
  const { now } = input;
  const entry = {
    revision: r.revision,
    startedAt: r.startedAt.toISOString(),
    finishedAt: now.toISOString(),
    result,
    message: summary,
    created: r.counts.created,
    configured: r.counts.configured,
    deleted: r.counts.deleted,
    durationMs: now.getTime() - r.startedAt.getTime(),
  };
  return appendHistory(input.status.history, entry, r.counts);
}

export type AppliedContext = {
  /** The status every write starts from (baseStatus). */
  readonly base: SyncStatus;
  /** The change summary (`1 created, 2 unchanged`). */
  readonly summary: string;
  /** The backoff delay should this count as a failure. */
  readonly retryMs: number;
};

/** `status.lastAppliedInputs`: what the render read from the cluster, when it read anything. */
const inputsOf = (r: Applied) => (r.inputs ? { lastAppliedInputs: r.inputs } : {});

export function decideApplied(input: DecideInput, r: Applied, c: AppliedContext): Decision {
  const health = healthOf(input, r);
  const phase = phaseOf(health);
  const inSync = inSyncOf(input, r);
  const drift = input.sync.spec.drift.mode === 'Ignore' ? undefined : r.drift?.status;
  const {
    drift: _old,
    healthWait: _oldWait,
    finishedJobs: _jobs,
    lastAppliedInputs: _inputs,
    ...rest
  } = c.base;
  const status: SyncStatus = {
    ...rest,
    lastAppliedRevision: r.revision,
    lastAttemptedRevision: r.revision,
    ...(phase === 'healthy' ? { lastHealthyRevision: r.revision } : {}),
    inventory: { entries: r.inventory },
    conditions: conditionsOf(input, r, health, inSync),
    history: historyOf(input, r, historyResults[phase], c.summary),
    ...(drift ? { drift } : {}),
    ...(health?.wait ? { healthWait: health.wait } : {}),
    ...(r.finishedJobs.length > 0 ? { finishedJobs: r.finishedJobs } : {}),
    ...inputsOf(r),
  };
  const notes = notesOf(input, r, { inSync, phase, health, summary: c.summary });
  const drifted = r.drift?.drifted.length ?? 0;
  const decided = { status, ...notes, objects: { inSync: r.desiredCount - drifted, drifted } };
  if (phase === 'unhealthy')
    return { ...decided, result: 'failure', requeueMs: c.retryMs, failures: input.failures + 1 };
  const interval = jitter(parseDuration(input.sync.spec.interval), () => input.draw);
  const requeueMs = Math.min(
    interval,
    inSync.alertInMs === undefined ? interval : inSync.alertInMs + 50,
    health?.recheckInMs ?? interval,
  );
  const failures = phase === 'healthy' ? 0 : input.failures;
  return { ...decided, result: 'success', requeueMs, failures };
}
