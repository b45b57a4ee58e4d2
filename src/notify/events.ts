// The feedback vocabulary (DESIGN.md "Feedback"): event names, their default severity, and the
// event record every provider renders from.
import { formatConditionTime } from '../core/index.ts';
import type { Severity } from '../api/index.ts';

export const NotificationEvents = {
  /** A new revision was seen. */
  ChangeCommitted: 'ChangeCommitted',
  /** Desired and observed have differed for longer than the grace period (`spec.drift.alertAfter`). */
  Diverged: 'Diverged',
  /** Everything is applied and healthy at the revision. */
  Converged: 'Converged',
  ApplyFailed: 'ApplyFailed',
  HealthFailed: 'HealthFailed',
  /** Drifted fields were put back to their desired values. */
  DriftCorrected: 'DriftCorrected',
  /** Objects no longer in Git were deleted. */
  Pruned: 'Pruned',
  /** A failing revision was replaced by the last healthy one. */
  RolledBack: 'RolledBack',
  /** An ImageUpdateAutomation pushed a commit with newer images (old → new tag, the commit). */
  ImageUpdated: 'ImageUpdated',
  /** An ImageRepository's registry scan failed (auth, rate limit, unreachable). */
  ImageScanFailed: 'ImageScanFailed',
} as const;
export type NotificationEvent = (typeof NotificationEvents)[keyof typeof NotificationEvents];

/**
 * Default severity per event. `error` marks what needs a person: failures, a rollback, and
 * `Diverged` (the cluster no longer matches Git past the grace period), so an Alert with
 * `severity: error` receives exactly these.
 */
export const EventSeverities: Readonly<Record<NotificationEvent, Severity>> = {
  ChangeCommitted: 'info',
  Diverged: 'error',
  Converged: 'info',
  ApplyFailed: 'error',
  HealthFailed: 'error',
  DriftCorrected: 'info',
  Pruned: 'info',
  RolledBack: 'error',
  ImageUpdated: 'info',
  ImageScanFailed: 'error',
};

export type EventSourceKind =
  'Sync' | 'GitRepository' | 'ImageRepository' | 'ImageUpdateAutomation';

export type EventSource = {
  readonly kind: EventSourceKind;
  readonly namespace: string;
  readonly name: string;
};

/** One thing that happened to a Sync or GitRepository, as Alerts match it and providers send it. */
export type MoorEvent = {
  readonly event: NotificationEvent;
  readonly severity: Severity;
  /** Overrides the operator's cluster name when the Provider sets none. */
  readonly cluster?: string | undefined;
  readonly source: EventSource;
  /** `<ref>@sha1:<sha>` or `sha1:<sha>`. Commit statuses and tags need it. */
  readonly revision?: string | undefined;
  readonly message: string;
  /** Objects concerned, as `Kind/namespace/name`. */
  readonly objects?: readonly string[] | undefined;
  /** RFC 3339. */
  readonly timestamp: string;
};

export type EventInput = Omit<MoorEvent, 'severity' | 'timestamp'> & {
  readonly severity?: Severity | undefined;
};

/** Fills in the default severity and the timestamp (now, second precision). */
export function createEvent(input: EventInput, now: Date): MoorEvent {
  return {
    ...input,
    severity: input.severity ?? EventSeverities[input.event],
    timestamp: formatConditionTime(now),
  };
}

export function isNotificationEvent(name: string): name is NotificationEvent {
  return Object.hasOwn(NotificationEvents, name);
}
