// The operator's HTTP server: receivers, metrics, health (DESIGN.md "server/").
export {
  MAX_WEBHOOK_BODY_BYTES,
  createServerApp,
  bindServer,
  parseListenAddress,
  startServer,
  type BoundServer,
  type RunningServer,
  type ServerApp,
  type ServerDeps,
} from './app.ts';
export {
  ReceiverError,
  ReceiverErrorCodes,
  ServerAddressError,
  type ReceiverErrorCode,
} from './errors.ts';
export { DEFAULT_SERVER_LIMITS, type ServerLimits } from './limits.ts';
export {
  DEFAULT_REPLAY_MAX_ENTRIES,
  DEFAULT_REPLAY_WINDOW_MS,
  createReplayGuard,
  type DeliveryStamp,
  type ReplayGuard,
  type ReplayOptions,
} from './replay.ts';
export {
  createMetrics,
  type DeliveryResult,
  type ImageObservation,
  type Metrics,
  type MetricsOptions,
  type ObjectCounts,
  type ReconcileObservation,
  type ReconcileResult,
} from './metrics.ts';
export {
  GENERIC_TIMESTAMP_HEADER,
  WEBHOOK_PATH_PREFIX,
  verifyDelivery,
  webhookPathFor,
  type Delivery,
  type DeliveryHeaders,
} from './receivers.ts';
export type {
  LogFn,
  Logger,
  ReceiverResource,
  ReceiverResourceRef,
  ReceiverTarget,
  ReceivedDelivery,
} from './types.ts';
export {
  createAccess,
  isLoopbackHost,
  loadUiAssets,
  redactObject,
  summarizeSync,
  summarizeSource,
  eventRowOf,
  type Access,
  type Dashboard,
  type DashboardChange,
  type DashboardData,
  type DashboardReviews,
  type EventRow,
  type Identity,
  type ObjectNode,
  type DriftFieldView,
  type ObjectKey,
  type AccessQuestion,
  shortRevision,
  noActions,
  type ActionFailure,
  type DashboardActions,
  type HistoryEntryView,
  type PreviewView,
} from './dashboard/index.ts';
