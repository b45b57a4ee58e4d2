/**
 * The durable history record of a reconcile (ADR 0019), pure: made when the reconcile added or
 * completed an entry of `status.history` (an apply happened, or a failure is new), from that
 * entry, the objects the apply touched and the commit it applied.
 */
import { HistoryResults } from '../../api/index.ts';
import { formatObjectId } from '../../core/index.ts';
import type { ChangeEntry } from '../../plan/index.ts';
import {
  MESSAGE_LIMIT,
  OBJECTS_LISTED_LIMIT,
  type HistoryCommit,
  type NewRecord,
} from '../history/record.ts';
import type { Decision, SyncOutcome } from './outcome.ts';
import type { SyncStatus } from './status.ts';

type Entry = NonNullable<SyncStatus['history']>[number];

const sameEntry = (a: Entry | undefined, b: Entry | undefined): boolean =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The health outcome of an applied revision, from its history result. */
function healthOf(result: string, checked: boolean): string {
  if (!checked && result !== HistoryResults.Failed) return 'NotChecked';
  if (result === HistoryResults.Progressing) return 'Progressing';
  return result === HistoryResults.Failed ? 'Unhealthy' : 'Healthy';
}

function objectsOf(entries: readonly ChangeEntry[]): NewRecord['objects'] {
  const lists: Record<string, string[]> = {};
  for (const action of ['created', 'configured', 'deleted'] as const) {
    const ids = entries.filter((e) => e.action === action).map((e) => formatObjectId(e.id));
    if (ids.length > 0) lists[action] = ids.sort().slice(0, OBJECTS_LISTED_LIMIT);
  }
  return Object.keys(lists).length > 0 ? lists : undefined;
}

export type RecordContext = {
  /** The status before this reconcile. */
  readonly before: SyncStatus;
  readonly decision: Decision;
  readonly outcome: SyncOutcome;
  /** The commit applied, when the source said. */
  readonly commit?: HistoryCommit | undefined;
};

/** The record to add to the durable history, or undefined when status.history did not change. */
export function historyRecordOf(c: RecordContext): NewRecord | undefined {
  const entry = c.decision.status.history?.[0];
  if (!entry || sameEntry(entry, c.before.history?.[0])) return undefined;
  const inventory = (c.decision.status.inventory?.entries ?? []).map(formatObjectId).sort();
  const applied = c.outcome.kind === 'applied' ? c.outcome : undefined;
  const objects = applied ? objectsOf(applied.outcome.entries) : undefined;
  const commit = c.commit
    ? { ...c.commit, message: c.commit.message.slice(0, MESSAGE_LIMIT) }
    : undefined;
  return {
    revision: entry.revision,
    ...(commit ? { commit } : {}),
    startedAt: entry.startedAt,
    ...(entry.finishedAt ? { finishedAt: entry.finishedAt } : {}),
    result: entry.result,
    ...(applied ? { health: healthOf(entry.result, applied.health !== undefined) } : {}),
    ...(entry.message ? { message: entry.message } : {}),
    created: entry.created,
    configured: entry.configured,
    deleted: entry.deleted,
    ...(objects ? { objects } : {}),
    inventory,
  };
}
