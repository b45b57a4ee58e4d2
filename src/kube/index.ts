// The only part of Moor that talks to the Kubernetes API server.
export { createKubeClient, type KubeClientOptions } from './client.ts';
export {
  KubeError,
  KubeErrorCodes,
  type KubeErrorCode,
  type KubeErrorData,
  type StatusCause,
} from './errors.ts';
export type { KubeLogger } from './transport.ts';
export { gateWrites, type WriteGate } from './write-gate.ts';
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
