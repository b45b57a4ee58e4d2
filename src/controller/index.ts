// Controller: work queues, informers and reconcilers; runOperator is the composition root.
export { backoffDelay, jitter } from './backoff.ts';
export { startInformer, type Informer } from './informer.ts';
export { runOperator, needsReconcile } from './operator.ts';
export type { OperatorOptions } from './options.ts';
export { createWorkQueue, type WorkQueue } from './queue.ts';
