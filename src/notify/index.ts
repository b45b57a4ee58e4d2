// Public face of src/notify: events → Alerts → Providers (webhook with HMAC, Slack, commit status
// on GitHub/GitLab/Gitea, per-cluster Git tag), delivered off the reconcile path.
export {
  EventSeverities,
  NotificationEvents,
  createEvent,
  isNotificationEvent,
  type EventInput,
  type EventSource,
  type EventSourceKind,
  type MoorEvent,
  type NotificationEvent,
} from './events.ts';
export { alertSelects, selectAlerts } from './match.ts';
export {
  AddressPolicyErrorCodes,
  DEFAULT_DENIED_HOSTS,
  DEFAULT_DENIED_RANGES,
  createAddressPolicy,
  parseRepoAddress,
  type AddressPolicy,
  type AddressPolicyOptions,
  type GitHostType,
  type RepoAddress,
} from './address.ts';
export {
  CommitStates,
  DESCRIPTION_LIMIT,
  buildCommitStatusRequest,
  commitOf,
  statusContextOf,
} from './commit-status.ts';
export {
  SIGNATURE_HEADER,
  buildRequest,
  buildSlackRequest,
  buildWebhookRequest,
  isDeliverable,
  signBody,
  webhookBodyOf,
  type WebhookBody,
} from './payloads.ts';
export type { HttpRequest, PayloadInput } from './request.ts';
export { clusterTagOf, pushClusterTag, type GitRepositoryTarget } from './gittag.ts';
export {
  NotifyError,
  NotifyErrorCodes,
  type NotifyErrorCode,
  type NotifyErrorData,
} from './errors.ts';
export {
  createNotifier,
  type DeliveryResult,
  type Logger,
  type Notifier,
  type NotifierDeps,
  type NotifierOptions,
  type ProviderRef,
  type ProviderStats,
} from './dispatcher.ts';
export {
  buildPreviewRequests,
  publishPreview,
  type PreviewPublication,
  type PublishDeps,
} from './preview-status.ts';
