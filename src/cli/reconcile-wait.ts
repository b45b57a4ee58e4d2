// When a requested reconcile is finished: pure judgements over the live objects, one per kind.
import { ConditionReasons, getCondition, type KubeObject } from '../core/index.ts';
import { formatSubject } from './errors.ts';
import { conditionsOf, recordAt, stringAt, subjectOf } from './objects.ts';

export type WaitState =
  | {
      readonly phase: 'waiting';
      readonly message: string;
      /** The operator has not answered this request at all (yet). */
      readonly unanswered?: true;
    }
  | { readonly phase: 'done'; readonly message: string }
  | { readonly phase: 'failed'; readonly message: string };

/** Ready=False reasons that mean "not yet" rather than "failed". */
const NOT_YET_REASONS: ReadonlySet<string> = new Set([
  ConditionReasons.Progressing,
  ConditionReasons.DependencyNotReady,
]);

const NOT_HANDLED =
  'the operator has not handled the reconcile request yet (is `moor operator` running?)';

/** The parts every kind shares: handled this request, for this generation, no work in flight. */
function assessCommon(obj: KubeObject, requestedAt: string): WaitState | undefined {
  const conditions = conditionsOf(obj);
  if (stringAt(obj, 'status', 'lastHandledReconcileAt') !== requestedAt) {
    return { phase: 'waiting', message: NOT_HANDLED, unanswered: true };
  }
  const reconciling = getCondition(conditions, 'Reconciling');
  if (reconciling?.status === 'True') {
    return {
      phase: 'waiting',
      message: `Reconciling: ${reconciling.message || reconciling.reason}`,
    };
  }
  const generation = obj.metadata.generation;
  const observed = recordAt(obj, 'status').observedGeneration;
  if (typeof generation === 'number' && typeof observed === 'number' && observed < generation) {
    return { phase: 'waiting', message: `generation ${generation} not yet observed` };
  }
  const ready = getCondition(conditions, 'Ready');
  if (ready?.status === 'False' && !NOT_YET_REASONS.has(ready.reason)) {
    return {
      phase: 'failed',
      message: `${formatSubject(subjectOf(obj))}: ${ready.reason}: ${ready.message}`,
    };
  }
  if (ready?.status !== 'True') {
    return {
      phase: 'waiting',
      message: ready ? `${ready.reason}: ${ready.message}` : 'no Ready condition yet',
    };
  }
  return undefined;
}

/** A GitRepository is done when it handled the request and is Ready. */
export function assessSourceWait(source: KubeObject, requestedAt: string): WaitState {
  const common = assessCommon(source, requestedAt);
  if (common) return common;
  const revision = stringAt(source, 'status', 'artifact', 'revision') ?? '-';
  return { phase: 'done', message: `fetched revision ${revision}` };
}

/** A HelmRepository is done when it handled the request and is Ready (its index fetched). */
export function assessHelmRepositoryWait(repo: KubeObject, requestedAt: string): WaitState {
  const common = assessCommon(repo, requestedAt);
  if (common) return common;
  const digest = stringAt(repo, 'status', 'artifact', 'digest');
  return { phase: 'done', message: digest ? `fetched index ${digest}` : 'ready' };
}

/**
 * A Sync is done when it handled the request, is Ready, has applied the newest revision of its
 * source, and (with spec.wait) is Healthy.
 */
export function assessSyncWait(
  sync: KubeObject,
  sourceRevision: string | undefined,
  requestedAt: string,
): WaitState {
  const common = assessCommon(sync, requestedAt);
  if (common) return common;
  const applied = stringAt(sync, 'status', 'lastAppliedRevision');
  if (sourceRevision === undefined) {
    return { phase: 'waiting', message: 'the source has no artifact yet' };
  }
  if (applied !== sourceRevision) {
    return {
      phase: 'waiting',
      message: `waiting for revision ${sourceRevision} (applied: ${applied ?? 'none'})`,
    };
  }
  if (recordAt(sync, 'spec').wait === true) {
    const healthy = getCondition(conditionsOf(sync), 'Healthy');
    if (healthy?.status !== 'True') {
      return {
        phase: 'waiting',
        message: healthy ? `${healthy.reason}: ${healthy.message}` : 'health not assessed yet',
      };
    }
  }
  return { phase: 'done', message: `applied revision ${applied}` };
}
