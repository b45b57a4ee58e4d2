// Controller: work queues, informers and reconcilers; runOperator is the composition root.
export { startInformer, type Informer } from './informer.ts';
export { runOperator, needsReconcile } from './operator.ts';
export {
  checkLeaseTimings,
  DEFAULT_LEASE_TIMINGS,
  LeaseTimingsError,
  type LeaseTimings,
} from './leader/decide.ts';
export { LeadershipLostError, type LeaderElectionConfig } from './leader/elector.ts';
export type { OperatorOptions } from './options.ts';
export { createWorkQueue, type WorkQueue } from './queue.ts';
export {
  HISTORY_RECORDS_LIMIT,
  inventories,
  lastHealthy,
  recordAt,
  type HistoryRecord,
  type HistoryRing,
} from './history/record.ts';
export { historyName, readHistory } from './history/store.ts';
export { legacyHistoryName } from './history/legacy.ts';
export * from './preview/index.ts';
export * from './inspect/index.ts';
export { webhookPathFor } from '../server/index.ts';
export { checkDashboardAddress, DashboardAddressError } from './dashboard-serve.ts';
