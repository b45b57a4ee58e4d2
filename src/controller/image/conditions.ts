// The conditions an image resource's status carries: Ready (with the reason) and, for a spec that
// cannot work until it changes, Stalled.
import {
  Annotations,
  ConditionStatuses,
  ConditionTypes,
  removeCondition,
  setCondition,
  type Condition,
  type KubeObject,
} from '../../core/index.ts';

/** `lastHandledReconcileAt` for the request annotation this reconcile acts on (`moor reconcile`). */
export function handledOf(obj: KubeObject): { lastHandledReconcileAt?: string } {
  const requested = obj.metadata.annotations?.[Annotations.reconcileRequestedAt];
  return requested ? { lastHandledReconcileAt: requested } : {};
}

export type Readiness = {
  readonly ready: boolean;
  readonly reason: string;
  readonly message: string;
  readonly stalled?: boolean;
};

export function conditionsOf(
  previous: readonly Condition[] | undefined,
  readiness: Readiness,
  generation: number | undefined,
  now: Date,
): Condition[] {
  const base = {
    reason: readiness.reason,
    message: readiness.message,
    ...(generation === undefined ? {} : { observedGeneration: generation }),
  };
  const status = readiness.ready ? ConditionStatuses.True : ConditionStatuses.False;
  let conditions = setCondition(previous, { type: ConditionTypes.Ready, status, ...base }, now);
  conditions = removeCondition(conditions, ConditionTypes.Reconciling);
  return readiness.stalled
    ? setCondition(
        conditions,
        { type: ConditionTypes.Stalled, status: ConditionStatuses.True, ...base },
        now,
      )
    : removeCondition(conditions, ConditionTypes.Stalled);
}

/** The Ready condition's message: a repeated failure records no second event. */
export function readyMessageOf(conditions: readonly Condition[] | undefined): string | undefined {
  return conditions?.find((c) => c.type === ConditionTypes.Ready)?.message;
}

export const ImageReasons = {
  Succeeded: 'Succeeded',
  InvalidSpec: 'InvalidSpec',
  RateLimited: 'RateLimited',
  ScanFailed: 'ScanFailed',
  AuthenticationFailed: 'AuthenticationFailed',
  SecretInvalid: 'SecretInvalid',
  ImageRepositoryNotReady: 'ImageRepositoryNotReady',
  NoMatch: 'NoMatch',
  SourceNotFound: 'SourceNotFound',
  GitOperationFailed: 'GitOperationFailed',
  MalformedMarker: 'MalformedMarker',
  ImageUpdated: 'ImageUpdated',
} as const;
