// metav1.Condition-style status conditions: the vocabulary and pure helpers to read and write them.

/** Condition types Moor sets on its resources. */
export const ConditionTypes = {
  /** The resource did what it is for: the artifact is fetched, the revision applied and converged. */
  Ready: 'Ready',
  /** Work is in progress (kstatus): a fetch, an apply, a wait. */
  Reconciling: 'Reconciling',
  /** Progress stopped on an error that retrying will not fix without a change (kstatus). */
  Stalled: 'Stalled',
  /** Every applied object passed its health check. */
  Healthy: 'Healthy',
  /** Every desired field Moor manages has its desired value live. */
  InSync: 'InSync',
} as const;
export type ConditionType = (typeof ConditionTypes)[keyof typeof ConditionTypes];

export const ConditionStatuses = {
  True: 'True',
  False: 'False',
  Unknown: 'Unknown',
} as const;
export type ConditionStatus = (typeof ConditionStatuses)[keyof typeof ConditionStatuses];

/** Reasons: CamelCase, one word each, as Kubernetes requires. */
export const ConditionReasons = {
  Succeeded: 'Succeeded',
  Progressing: 'Progressing',
  ProgressingWithRetry: 'ProgressingWithRetry',
  Suspended: 'Suspended',
  // source
  GitOperationFailed: 'GitOperationFailed',
  AuthenticationFailed: 'AuthenticationFailed',
  InvalidUrl: 'InvalidUrl',
  RefNotFound: 'RefNotFound',
  InvalidRef: 'InvalidRef',
  RepositoryNotFound: 'RepositoryNotFound',
  Unreachable: 'Unreachable',
  Timeout: 'Timeout',
  SecretInvalid: 'SecretInvalid',
  ArtifactFailed: 'ArtifactFailed',
  /** A Helm repository answered with an HTTP error other than 401/403. */
  IndexFetchFailed: 'IndexFetchFailed',
  /** A Helm repository's index.yaml is too large or no Helm index. */
  IndexInvalid: 'IndexInvalid',
  // sync
  SourceNotFound: 'SourceNotFound',
  ArtifactNotReady: 'ArtifactNotReady',
  DependencyNotReady: 'DependencyNotReady',
  BuildFailed: 'BuildFailed',
  DryRunFailed: 'DryRunFailed',
  ApplyFailed: 'ApplyFailed',
  PruneFailed: 'PruneFailed',
  HealthCheckFailed: 'HealthCheckFailed',
  HealthCheckTimeout: 'HealthCheckTimeout',
  Conflict: 'Conflict',
  OtherOperator: 'OtherOperator',
  ImpersonationFailed: 'ImpersonationFailed',
  RolledBack: 'RolledBack',
  /** The API server did not answer for a while; the reconcile it cut short runs again. */
  ApiServerUnreachable: 'ApiServerUnreachable',
  // drift
  Converged: 'Converged',
  Diverged: 'Diverged',
  DriftCorrected: 'DriftCorrected',
  DriftIgnored: 'DriftIgnored',
  // notification
  DeliveryFailed: 'DeliveryFailed',
  InvalidSpec: 'InvalidSpec',
  SecretNotFound: 'SecretNotFound',
} as const;
export type ConditionReason = (typeof ConditionReasons)[keyof typeof ConditionReasons];

/** The shape of metav1.Condition. `type` and `reason` stay open strings for later kinds. */
export type Condition = {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
  /** RFC 3339, second precision: when `status` last changed. */
  readonly lastTransitionTime: string;
  readonly observedGeneration?: number | undefined;
};

/** What a caller sets; the helper decides `lastTransitionTime`. */
export type ConditionUpdate = Omit<Condition, 'lastTransitionTime'>;

/** A timestamp as Kubernetes writes metav1.Time: `2024-05-01T12:03:00Z`. */
export function formatConditionTime(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Returns a new list with `update` set in place of the condition of the same type (appended
 * when absent). `lastTransitionTime` moves to `now` only when the status changes.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  update: ConditionUpdate,
  now: Date,
): Condition[] {
  const list = conditions ?? [];
  const existing = list.find((c) => c.type === update.type);
  const lastTransitionTime =
    existing && existing.status === update.status
      ? existing.lastTransitionTime
      : formatConditionTime(now);
  const next: Condition = {
    type: update.type,
    status: update.status,
    reason: update.reason,
    message: update.message,
    lastTransitionTime,
    ...(update.observedGeneration === undefined
      ? {}
      : { observedGeneration: update.observedGeneration }),
  };
  return existing ? list.map((c) => (c === existing ? next : c)) : [...list, next];
}

/** Returns a new list without the condition of this type. */
export function removeCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

export function getCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isConditionTrue(
  conditions: readonly Condition[] | undefined,
  type: string,
): boolean {
  return getCondition(conditions, type)?.status === ConditionStatuses.True;
}

export function isConditionFalse(
  conditions: readonly Condition[] | undefined,
  type: string,
): boolean {
  return getCondition(conditions, type)?.status === ConditionStatuses.False;
}

/** True when the condition was written for this generation of the object's spec. */
export function isConditionCurrent(
  condition: Condition | undefined,
  generation: number | undefined,
): boolean {
  return (
    condition !== undefined &&
    generation !== undefined &&
    condition.observedGeneration === generation
  );
}
