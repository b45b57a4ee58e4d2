import type { MoorError, ObjectId } from '../core/index.ts';

/** What applying did to one object. */
export const ChangeAction = {
  created: 'created',
  configured: 'configured',
  unchanged: 'unchanged',
  deleted: 'deleted',
  skipped: 'skipped',
  failed: 'failed',
} as const;
export type ChangeAction = (typeof ChangeAction)[keyof typeof ChangeAction];

/** Every action, in the order summaries list them. */
export const CHANGE_ACTIONS: readonly ChangeAction[] = Object.values(ChangeAction);

/** One object's outcome; `message` says why (the error for `failed`, the reason for `skipped`). */
export type ChangeEntry = {
  readonly id: ObjectId;
  readonly version: string;
  readonly action: ChangeAction;
  readonly message: string;
  /** For `failed`: the typed error (a `KubeError` from the API server), its code and data intact. */
  readonly error?: MoorError;
};

/** The result of applying a plan: the CLI, status, events, metrics and dashboard render it. */
export type ChangeSet = {
  readonly entries: readonly ChangeEntry[];
};

export type ChangeCounts = Readonly<Record<ChangeAction, number>>;

export function summarizeChangeSet(changeSet: ChangeSet): ChangeCounts {
  const counts = Object.fromEntries(CHANGE_ACTIONS.map((a) => [a, 0])) as Record<
    ChangeAction,
    number
  >;
  for (const entry of changeSet.entries) counts[entry.action] += 1;
  return counts;
}

/** `3 created, 1 configured, 2 deleted`: non-zero counts in CHANGE_ACTIONS order; `no objects` when all are zero. */
export function formatChangeSummary(counts: ChangeCounts): string {
  const parts = CHANGE_ACTIONS.filter((a) => counts[a] > 0).map((a) => `${counts[a]} ${a}`);
  return parts.length > 0 ? parts.join(', ') : 'no objects';
}
