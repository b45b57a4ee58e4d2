/**
 * What a teardown pass of a deleted Sync means (pure): finished (the finalizer goes), or still
 * waiting (conditions say for what), or stalled past `spec.timeout` (Stalled, with what holds the
 * objects and how to let go), or failing (the requests that failed).
 */
import { DeletionPolicies, type DeletionPolicy } from '../../api/index.ts';
import {
  ConditionStatuses,
  ConditionTypes,
  getCondition,
  removeCondition,
  setCondition,
  type Condition,
} from '../../core/index.ts';
import type { Remaining, TeardownPass } from './teardown.ts';

export const DeletionReasons = {
  Deleting: 'Deleting',
  DeletionStalled: 'DeletionStalled',
  DeletionFailed: 'DeletionFailed',
  Deleted: 'Deleted',
  Orphaned: 'Orphaned',
} as const;

export type TeardownInput = {
  readonly pass: TeardownPass;
  readonly policy: DeletionPolicy;
  /** The Sync is suspended: what it applied is orphaned, not deleted. */
  readonly suspended: boolean;
  readonly conditions: readonly Condition[] | undefined;
  readonly generation: number | undefined;
  /** The Sync's `metadata.deletionTimestamp`. */
  readonly deletedAt: Date;
  readonly now: Date;
  readonly timeoutMs: number;
};

export type TeardownEvent = {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
};

export type TeardownDecision =
  | { readonly done: true; readonly event: TeardownEvent }
  | {
      readonly done: false;
      readonly conditions: Condition[];
      readonly requeueMs: number;
      readonly event?: TeardownEvent;
    };

const SHOWN = 5;
const WAITING_REQUEUE_MS = 1_000;
const STALLED_REQUEUE_MS = 30_000;
const FAILED_REQUEUE_MS = 10_000;

const listed = (items: readonly string[]): string =>
  items.length > SHOWN
    ? `${items.slice(0, SHOWN).join(', ')} and ${items.length - SHOWN} more`
    : items.join(', ');

const describe = (r: Remaining): string =>
  r.finalizers.length > 0 ? `${r.id} (finalizers: ${r.finalizers.join(', ')})` : r.id;

function doneEvent(input: TeardownInput): TeardownEvent {
  const { pass } = input;
  const kept = pass.left > 0 ? `; ${pass.left} owned by others left in place` : '';
  if (input.suspended || input.policy === DeletionPolicies.Orphan) {
    const why = input.suspended ? 'the Sync is suspended: ' : '';
    return {
      type: 'Normal',
      reason: DeletionReasons.Orphaned,
      message: `${why}${pass.orphaned} objects orphaned (moor.dev/sync-* labels removed), not deleted${kept}`,
    };
  }
  const unlabelled = pass.orphaned > 0 ? `; ${pass.orphaned} kept by annotation, unlabelled` : '';
  return {
    type: 'Normal',
    reason: DeletionReasons.Deleted,
    message: `what the Sync applied is deleted${unlabelled}${kept}`,
  };
}

type Standing = { readonly reason: string; readonly message: string; readonly requeueMs: number };

/** Why the teardown is not finished, in words: failing, stalled past the timeout, or waiting. */
function standingOf(input: TeardownInput): Standing {
  const { pass } = input;
  if (pass.failures.length > 0)
    return {
      reason: DeletionReasons.DeletionFailed,
      message: `deleting what the Sync applied failed: ${listed(pass.failures)}`,
      requeueMs: FAILED_REQUEUE_MS,
    };
  const held = listed(pass.remaining.map(describe));
  const n = pass.remaining.length;
  if (input.now.getTime() - input.deletedAt.getTime() >= input.timeoutMs)
    return {
      reason: DeletionReasons.DeletionStalled,
      message: `${n} objects are still present ${Math.round(input.timeoutMs / 1000)}s after the Sync was deleted: ${held}; remove what holds them, or set spec.deletionPolicy: Orphan`,
      requeueMs: STALLED_REQUEUE_MS,
    };
  return {
    reason: DeletionReasons.Deleting,
    message: `deleting what the Sync applied: waiting for ${n} objects to go: ${held}`,
    requeueMs: WAITING_REQUEUE_MS,
  };
}

export function decideTeardown(input: TeardownInput): TeardownDecision {
  const { pass, now } = input;
  if (pass.remaining.length === 0 && pass.failures.length === 0)
    return { done: true, event: doneEvent(input) };
  const { reason, message, requeueMs } = standingOf(input);
  const stuck = reason !== DeletionReasons.Deleting;
  const g = input.generation === undefined ? {} : { observedGeneration: input.generation };
  const previous = getCondition(input.conditions, ConditionTypes.Ready)?.reason;
  const status = ConditionStatuses.True;
  const ready = { type: ConditionTypes.Ready, status: ConditionStatuses.False, reason, message };
  let conditions = setCondition(input.conditions, { ...ready, ...g }, now);
  const progress = stuck ? ConditionTypes.Stalled : ConditionTypes.Reconciling;
  const other = stuck ? ConditionTypes.Reconciling : ConditionTypes.Stalled;
  conditions = removeCondition(conditions, other);
  conditions = setCondition(conditions, { type: progress, status, reason, message, ...g }, now);
  const event =
    stuck && previous !== reason ? { type: 'Warning' as const, reason, message } : undefined;
  return { done: false, conditions, requeueMs, ...(event ? { event } : {}) };
}
