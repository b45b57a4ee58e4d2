/**
 * The Sync reconciler's decision, pure: from the status before, the spec, the outcome of render,
 * apply and health, and the time, the new status (conditions, history, drift, health wait), the
 * events and announcements (Applied, Pruned, DriftCorrected, Diverged after the grace period and
 * once, Converged once when a change or a divergence ends, HealthFailed, ApplyFailed …) and when
 * to reconcile again.
 */
import {
  Annotations,
  backoffDelay,
  ConditionReasons,
  ConditionStatuses,
  ConditionTypes,
  removeCondition,
} from '../../core/index.ts';
import { parseDuration, type Sync } from '../../api/index.ts';
import { formatChangeSummary, type InventoryEntry } from '../../plan/index.ts';
import { decideApplied } from './decide-applied.ts';
import { decideTarget } from './decide-target.ts';
import type { Announcement, DecideInput, Decision, Failed } from './outcome.ts';
import {
  appendHistory,
  readyFalse,
  setConditions,
  withoutReconciling,
  type SyncStatus,
} from './status.ts';

export type * from './outcome.ts';

/** The status every write starts from: the observed generation and the handled request. */
export function baseStatus(sync: Sync, status: SyncStatus): SyncStatus {
  const requested = sync.metadata.annotations?.[Annotations.reconcileRequestedAt];
  return {
    ...status,
    observedGeneration: sync.metadata.generation,
    ...(requested ? { lastHandledReconcileAt: requested } : {}),
  };
}

/** The delay before retry number `failures` (1-based), capped at spec.retryInterval. */
export function retryDelay(sync: Sync, failures: number): number {
  const interval = parseDuration(sync.spec.interval);
  const retry = sync.spec.retryInterval ? parseDuration(sync.spec.retryInterval) : interval;
  return backoffDelay(failures, 1000, retry);
}

/** `ChangeCommitted`, the moment a revision is first attempted. */
export function decideCommitted(status: SyncStatus, revision: string): Announcement[] {
  if (status.lastAttemptedRevision === revision) return [];
  return [{ event: 'ChangeCommitted', revision, message: `new revision ${revision}` }];
}

/** The status written before anything is created: Reconciling and the inventory union (ADR 0003). */
export function intentStatus(
  sync: Sync,
  status: SyncStatus,
  revision: string,
  intent: InventoryEntry[],
  now: Date,
): SyncStatus {
  const reconciling = {
    type: ConditionTypes.Reconciling,
    status: ConditionStatuses.True,
    reason: ConditionReasons.Progressing,
    message: `applying revision ${revision}`,
  };
  const conditions = setConditions(status.conditions, [reconciling], sync.metadata.generation, now);
  return { ...status, lastAttemptedRevision: revision, inventory: { entries: intent }, conditions };
}

/** What a failure's log line carries: the reason, and the code and place of its cause. */
function failureFields(f: Failed): Record<string, unknown> {
  return f.cause ? { reason: f.reason, code: f.cause.code, ...f.cause.data } : { reason: f.reason };
}

/** A failure: Ready=False with the reason; `Stalled` only while retrying will not help. */
function decideFailed(input: DecideInput, f: Failed): Decision {
  const { sync, status, now } = input;
  const generation = sync.metadata.generation;
  const previous = status.conditions?.find((c) => c.type === ConditionTypes.Ready);
  const repeated =
    previous?.status === ConditionStatuses.False &&
    previous.reason === f.reason &&
    previous.message === f.message;
  const updates = [readyFalse(f.reason, f.message), ...(f.conditions ?? [])];
  let conditions = withoutReconciling(setConditions(status.conditions, updates, generation, now));
  const stalled = {
    type: ConditionTypes.Stalled,
    status: ConditionStatuses.True,
    reason: f.reason,
    message: f.message,
  };
  conditions = f.stalled
    ? setConditions(conditions, [stalled], generation, now)
    : removeCondition(conditions, ConditionTypes.Stalled);
  const history = f.attempt ? { history: failedHistory(status, f, now) } : {};
  const failures = input.failures + 1;
  return {
    result: 'failure',
    status: { ...baseStatus(sync, status), ...f.extra, ...history, conditions },
    // The Event is named as the alert is (ApplyFailed for a dry-run, a build, a prune); Ready
    // keeps the phase (DryRunFailed …).
    events: repeated
      ? []
      : [{ type: 'Warning', reason: f.announce?.event ?? f.reason, message: f.message }],
    announcements: repeated || !f.announce ? [] : [{ ...f.announce, message: f.message }],
    logs: repeated ? [] : [{ level: 'warn', fields: failureFields(f), message: f.message }],
    requeueMs: retryDelay(sync, failures),
    failures,
  };
}

function failedHistory(status: SyncStatus, f: Failed, now: Date): SyncStatus['history'] {
  const attempt = f.attempt;
  if (!attempt) return status.history;
  const { counts } = attempt;
  const entry = {
    revision: attempt.revision,
    startedAt: attempt.startedAt.toISOString(),
    finishedAt: now.toISOString(),
    result: 'Failed',
    message: f.message,
    created: counts.created,
    configured: counts.configured,
    deleted: counts.deleted,
    durationMs: now.getTime() - attempt.startedAt.getTime(),
  };
  return appendHistory(status.history, entry, counts);
}

function decideOutcome(input: DecideInput): Decision {
  const { outcome } = input;
  if (outcome.kind === 'failed') return decideFailed(input, outcome);
  return decideApplied(input, outcome, {
    base: baseStatus(input.sync, input.status),
    summary: formatChangeSummary(outcome.counts),
    retryMs: retryDelay(input.sync, input.failures + 1),
  });
}

/** What a reconcile that got this far decides (a pin or a rollback in effect included). */
export function decide(input: DecideInput): Decision {
  return decideTarget(input, decideOutcome(input), input.target);
}
