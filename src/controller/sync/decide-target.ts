/**
 * The decision's part for pins and automatic rollback (ADR 0019), pure: a pinned Sync says so
 * (condition Pinned, diverged from the branch); a revision that fails its health checks with
 * spec.rollback.onHealthFailure starts a rollback to the last healthy revision (RolledBack event
 * and alert); while it lasts the Sync is not Ready; when the source moves on it ends.
 */
import { HistoryResults } from '../../api/index.ts';
import {
  ConditionReasons,
  ConditionStatuses,
  ConditionTypes,
  getCondition,
  removeCondition,
} from '../../core/index.ts';
import type { DecideInput, Decision } from './outcome.ts';
import { readyFalse, setConditions, type SyncStatus } from './status.ts';
import type { Target } from './target.ts';

export const PINNED = 'Pinned';

const short = (revision: string): string => revision.replace(/([0-9a-f]{12})[0-9a-f]{28}$/, '$1');

function withConditions(
  input: DecideInput,
  status: SyncStatus,
  updates: Parameters<typeof setConditions>[1],
): SyncStatus {
  const generation = input.sync.metadata.generation;
  return {
    ...status,
    conditions: setConditions(status.conditions, updates, generation, input.now),
  };
}

function pinned(input: DecideInput, d: Decision, target: Target): Decision {
  const applied = d.status.lastAppliedRevision ?? target.sha;
  const message = `pinned by spec.pin to ${short(applied)}; the source is at ${short(target.branchRevision)}${applied === target.branchRevision ? '' : ' (diverged)'}`;
  const { rolledBack: _r, ...rest } = d.status;
  const updates = [{ type: PINNED, status: ConditionStatuses.True, reason: PINNED, message }];
  let status = withConditions(input, rest, updates);
  const ready = getCondition(status.conditions, ConditionTypes.Ready);
  if (ready?.status === ConditionStatuses.True) {
    const note = { ...ready, message: `${message}: ${ready.message}` };
    status = withConditions(input, status, [note]);
  }
  return { ...d, status };
}

/**
 * The history entry of the re-applied healthy revision says RolledBack; a later reconcile that
 * changed nothing adds no entry (it would otherwise differ from the last one in its result).
 */
function markRolledBack(input: DecideInput, status: SyncStatus): SyncStatus['history'] {
  const [head, ...rest] = status.history ?? [];
  if (!head || head.revision !== status.lastAppliedRevision) return status.history;
  if (head.result !== HistoryResults.Succeeded) return status.history;
  const previous = input.status.history?.[0];
  const quiet = head.created + head.configured + head.deleted === 0;
  if (
    quiet &&
    previous?.revision === head.revision &&
    previous.result === HistoryResults.RolledBack &&
    previous.startedAt !== head.startedAt
  )
    return input.status.history;
  return [{ ...head, result: HistoryResults.RolledBack }, ...rest];
}

function rollingBack(input: DecideInput, d: Decision): Decision {
  const back = input.status.rolledBack;
  if (!back) return d;
  if (input.outcome.kind === 'failed') return { ...d, status: { ...d.status, rolledBack: back } };
  const health = getCondition(d.status.conditions, ConditionTypes.Healthy);
  const state =
    health?.status === ConditionStatuses.False
      ? `and ${short(back.to)} is not healthy either: ${health.message}`
      : `re-applied ${short(back.to)}; waiting for a new commit`;
  const message = `revision ${short(back.from)} failed its health checks; rolled back: ${state}`;
  const status = withConditions(
    input,
    { ...d.status, rolledBack: back, history: markRolledBack(input, d.status) },
    [readyFalse(ConditionReasons.RolledBack, message)],
  );
  return { ...d, status };
}

/** A revision that just failed its health checks, with a healthy one to go back to. */
function startRollback(input: DecideInput, d: Decision): Decision {
  const { outcome, sync } = input;
  if (outcome.kind !== 'applied' || !sync.spec.rollback.onHealthFailure) return d;
  const health = getCondition(d.status.conditions, ConditionTypes.Healthy);
  const to = input.status.lastHealthyRevision;
  if (health?.status !== ConditionStatuses.False || !to || to === outcome.revision) return d;
  const from = outcome.revision;
  const reason = health.message;
  const message = `revision ${short(from)} failed its health checks (${reason}); re-applying the last healthy revision ${short(to)}`;
  const rolledBack = { from, to, at: input.now.toISOString(), reason };
  const status = withConditions(input, { ...d.status, rolledBack }, [
    readyFalse(ConditionReasons.RolledBack, message),
  ]);
  return {
    ...d,
    status,
    events: [...d.events, { type: 'Warning', reason: ConditionReasons.RolledBack, message }],
    announcements: [...d.announcements, { event: 'RolledBack', revision: from, message }],
    logs: [...d.logs, { level: 'warn', fields: { from, to }, message }],
    requeueMs: 0,
  };
}

export function decideTarget(
  input: DecideInput,
  d: Decision,
  target: Target | undefined,
): Decision {
  if (target?.kind === 'pin') return pinned(input, d, target);
  const conditions = removeCondition(d.status.conditions ?? [], PINNED);
  const unpinned = { ...d, status: { ...d.status, conditions } };
  if (target?.kind === 'rollback') return rollingBack(input, unpinned);
  const { rolledBack: _ended, ...rest } = unpinned.status;
  return startRollback(input, { ...unpinned, status: rest });
}
