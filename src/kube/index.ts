// The only part of Moor that talks to the Kubernetes API server.
export { createKubeClient, type KubeClientOptions } from './client.ts';
export {
  KubeError,
  KubeErrorCodes,
  type KubeErrorCode,
  type KubeErrorData,
  type StatusCause,
} from './errors.ts';
export {
  createLiveCache,
  type LiveCache,
  type LiveCacheOptions,
  type LiveChangeListener,
  type LiveChangeType,
} from './live-cache.ts';
export {
  DEFAULT_BACKOFF,
  defaultNoProgressMs,
  type Backoff,
  type ChangeType,
} from './reflector-decide.ts';
export {
  startReflector,
  type ChangeHandler,
  type Reflector,
  type ReflectorClock,
  type ReflectorLogger,
  type ReflectorOptions,
  type WatchTiming,
} from './reflector.ts';
export type { KubeLogger } from './transport.ts';
export type { ApiContact, ContactListener, Wakeups } from './reachability.ts';
export { gateWrites, type WriteGate } from './write-gate.ts';
export { createCompactor, type CompactOptions, type Compactor } from './compact.ts';
export {
  WatchEventTypes,
  type ApplyOptions,
  type DeleteOptions,
  type KubeClient,
  type ListOptions,
  type ListResult,
  type ObjectRef,
  type ResourceInfo,
  type WatchEvent,
  type WatchEventType,
  type WatchOptions,
} from './types.ts';
export { reviewAccess, reviewToken, type AccessAttributes, type ReviewedUser } from './reviews.ts';
export { inClusterApiAccess, inClusterServer, type InClusterOptions } from './in-cluster.ts';
