/** What the controllers are given: an injected clock and a pino-compatible logger. */
export { systemClock, type Clock, type LogFn, type Logger } from '../core/index.ts';

/** How a reconcile ended; `undefined` from a reconciler: nothing to do (suspended, deleted). */
export const ReconcileOutcomes = {
  success: 'success',
  failure: 'failure',
  /** The operator is stopping: the work was dropped, nothing written; the next run redoes it. */
  abandoned: 'abandoned',
  /** Taken in the skip lane but not skippable: handed back to the main lane, nothing written. */
  deferred: 'deferred',
} as const;
export type ReconcileOutcome = (typeof ReconcileOutcomes)[keyof typeof ReconcileOutcomes];
