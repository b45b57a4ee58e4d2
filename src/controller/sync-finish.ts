/**
 * The end of a successful apply: conditions (Ready, Healthy, InSync), status.drift, history, and
 * what to tell people: Applied, Pruned, DriftCorrected, Diverged (after the grace period, once),
 * Converged (once, when a change or a divergence ends), HealthFailed.
 */
import { HistoryResults, parseDuration } from '../api/index.ts';
import type { ApplyOutcome } from '../apply/index.ts';
import {
  ConditionReasons,
  ConditionStatuses,
  ConditionTypes,
  formatObjectId,
  getCondition,
  objectIdOf,
  removeCondition,
  type Condition,
} from '../core/index.ts';
import type { ChangeCounts, InventoryEntry } from '../plan/index.ts';
import { jitter } from './backoff.ts';
import type { DriftCheck } from './drift-check.ts';
import type { HealthDecision } from './health-phase.ts';
import { abandon, about, baseStatus, retryDelay, sourceOf, type Ctx } from './sync-context.ts';
import { readyFalse, setConditions, withoutReconciling, type SyncStatus } from './sync-status.ts';
import { writeStatus } from './status.ts';

export type Finished = {
  readonly revision: string;
  readonly newRevision: boolean;
  readonly inventory: InventoryEntry[];
  readonly outcome: ApplyOutcome;
  readonly summary: string;
  readonly counts: ChangeCounts;
  /** Undefined without spec.wait. */
  readonly health: HealthDecision | undefined;
  readonly history: (result: string, message: string) => SyncStatus['history'];
  /** Drift left in place: by choice (Alert, Ignore) or not yet correctable (Correct). */
  readonly drift: DriftCheck | undefined;
  /** Drifted objects that were re-applied (mode Correct). */
  readonly corrected: readonly string[];
  readonly desiredCount: number;
  /** `status.finishedJobs`: Jobs done for their rendered spec. */
  readonly finishedJobs: NonNullable<SyncStatus['finishedJobs']>;
  /** How long rendering and applying took, for the log. */
  readonly timings: { readonly renderMs: number; readonly applyMs: number };
};

/** The InSync message when every desired object matches the revision. */
export function matchMessage(count: number, revision: string): string {
  return count === 1
    ? `the 1 object matches revision ${revision}`
    : `all ${count} objects match revision ${revision}`;
}

/** The InSync message when some objects differ: how many, and the first five. */
export function differMessage(objects: readonly string[], revision: string): string {
  const n = objects.length;
  const counted = n === 1 ? '1 object differs' : `${n} objects differ`;
  return `${counted} from revision ${revision}: ${objects.slice(0, 5).join('; ')}`;
}

type InSync = {
  update?: Omit<Condition, 'lastTransitionTime'>;
  diverged: boolean;
  alertInMs?: number;
};

/** The InSync condition and whether the grace period just ran out. */
function inSyncOf(ctx: Ctx, r: Finished): InSync {
  const mode = ctx.sync.spec.drift.mode;
  if (mode === 'Ignore') {
    const update = {
      type: ConditionTypes.InSync,
      status: ConditionStatuses.Unknown,
      reason: ConditionReasons.DriftIgnored,
      message: 'live objects are not compared with Git: spec.drift.mode is Ignore',
    };
    return { update, diverged: false };
  }
  const drift = r.drift?.status;
  if (!drift) {
    const message = matchMessage(r.desiredCount, r.revision);
    return {
      update: {
        type: ConditionTypes.InSync,
        status: ConditionStatuses.True,
        reason: 'InSync',
        message,
      },
      diverged: false,
    };
  }
  const objects = r.drift?.summary ?? [];
  const elapsed = ctx.now.getTime() - Date.parse(drift.since ?? ctx.now.toISOString());
  const grace = parseDuration(ctx.sync.spec.drift.alertAfter);
  const previous = getCondition(ctx.status.conditions, ConditionTypes.InSync);
  const due = elapsed >= grace;
  const message = differMessage(objects, r.revision);
  return {
    update: {
      type: ConditionTypes.InSync,
      status: ConditionStatuses.False,
      reason: due ? ConditionReasons.Diverged : 'DriftDetected',
      message,
    },
    diverged: due && previous?.reason !== ConditionReasons.Diverged,
    ...(due ? {} : { alertInMs: grace - elapsed }),
  };
}

/** The three states of a finished apply: converged, still waiting for health, or unhealthy. */
type Phase = 'healthy' | 'waiting' | 'unhealthy';

const phaseOf = (r: Finished): Phase => {
  const status = r.health?.health.status ?? ConditionStatuses.True;
  if (status === ConditionStatuses.True) return 'healthy';
  return status === ConditionStatuses.Unknown ? 'waiting' : 'unhealthy';
};

function readyOf(r: Finished, phase: Phase): Omit<Condition, 'lastTransitionTime'> {
  const health = r.health?.health;
  if (phase === 'healthy')
    return {
      type: ConditionTypes.Ready,
      status: ConditionStatuses.True,
      reason: ConditionReasons.Succeeded,
      message: `Applied revision ${r.revision}`,
    };
  if (phase === 'waiting')
    return {
      type: ConditionTypes.Ready,
      status: ConditionStatuses.Unknown,
      reason: ConditionReasons.Progressing,
      message: `revision ${r.revision} applied, ${health?.message ?? ''}`,
    };
  return readyFalse(
    health?.reason ?? ConditionReasons.HealthCheckFailed,
    `revision ${r.revision} applied but not healthy: ${health?.message ?? ''}`,
  );
}

function conditionsOf(ctx: Ctx, r: Finished, inSync: InSync, at: Date): Condition[] {
  const phase = phaseOf(r);
  const health = r.health?.health;
  const updates = [
    readyOf(r, phase),
    ...(health ? [{ type: ConditionTypes.Healthy, ...health }] : []),
    ...(inSync.update ? [inSync.update] : []),
    ...(phase === 'waiting'
      ? [
          {
            type: ConditionTypes.Reconciling,
            status: ConditionStatuses.True,
            reason: ConditionReasons.Progressing,
            message: health?.message ?? '',
          },
        ]
      : []),
  ];
  let conditions = setConditions(ctx.status.conditions, updates, ctx.sync.metadata.generation, at);
  if (phase !== 'waiting') conditions = withoutReconciling(conditions);
  // Without spec.wait nothing is assessed: an old verdict would contradict Ready.
  if (!health) conditions = removeCondition(conditions, ConditionTypes.Healthy);
  return removeCondition(conditions, ConditionTypes.Stalled);
}

function announceOutcome(ctx: Ctx, r: Finished, inSync: InSync, phase: Phase): void {
  const { deps } = ctx;
  const source = sourceOf(ctx);
  const changed = r.counts.created + r.counts.configured + r.counts.deleted > 0;
  if (changed || r.newRevision) {
    ctx.log.info({ revision: r.revision, summary: r.summary, ...r.timings }, 'applied');
    deps.events.record(about(ctx), 'Normal', 'Applied', `revision ${r.revision}: ${r.summary}`, {
      'moor.dev/revision': r.revision,
    });
  }
  const deleted = r.outcome.entries
    .filter((e) => e.action === 'deleted')
    .map((e) => formatObjectId(e.id));
  if (r.counts.deleted > 0) {
    deps.announce({
      event: 'Pruned',
      source,
      revision: r.revision,
      message: `pruned ${deleted.length} objects no longer in Git`,
      objects: deleted,
    });
  }
  if (r.corrected.length > 0) {
    const objects = r.corrected;
    const message = `re-applied ${objects.length} drifted object${objects.length === 1 ? '' : 's'}: ${objects.slice(0, 5).join(', ')}`;
    deps.events.record(about(ctx), 'Normal', ConditionReasons.DriftCorrected, message);
    deps.announce({ event: 'DriftCorrected', source, revision: r.revision, message, objects });
  }
  if (inSync.diverged && inSync.update) {
    deps.events.record(about(ctx), 'Warning', ConditionReasons.Diverged, inSync.update.message);
    deps.announce({
      event: 'Diverged',
      source,
      revision: r.revision,
      message: inSync.update.message,
      objects: r.drift?.drifted.map((o) => formatObjectId(objectIdOf(o))),
    });
  }
  const previousReady = getCondition(ctx.status.conditions, ConditionTypes.Ready);
  const previousInSync = getCondition(ctx.status.conditions, ConditionTypes.InSync);
  const wasApart =
    previousInSync?.status === ConditionStatuses.False ||
    previousReady?.status !== ConditionStatuses.True;
  const together =
    phase === 'healthy' && !(r.drift?.status && ctx.sync.spec.drift.mode !== 'Ignore');
  if (together && (r.newRevision || wasApart)) {
    const message = `converged on revision ${r.revision}`;
    deps.events.record(about(ctx), 'Normal', ConditionReasons.Converged, message, {
      'moor.dev/revision': r.revision,
    });
    deps.announce({ event: 'Converged', source, revision: r.revision, message });
    deps.observeConverged(ctx.key, r.revision);
  }
  const wasUnhealthy =
    getCondition(ctx.status.conditions, ConditionTypes.Healthy)?.status === ConditionStatuses.False;
  if (phase === 'unhealthy' && !wasUnhealthy) {
    const message = r.health?.health.message ?? '';
    deps.events.record(
      about(ctx),
      'Warning',
      r.health?.health.reason ?? ConditionReasons.HealthCheckFailed,
      message,
    );
    deps.announce({ event: 'HealthFailed', source, revision: r.revision, message });
  }
}

const historyResults: Record<Phase, string> = {
  healthy: HistoryResults.Succeeded,
  waiting: HistoryResults.Progressing,
  unhealthy: HistoryResults.Failed,
};

export async function finish(ctx: Ctx, r: Finished): Promise<'success' | 'failure' | 'abandoned'> {
  // A health wait cut short by the operator stopping is no health failure.
  if (ctx.signal.aborted) return abandon(ctx);
  const { sync, deps } = ctx;
  const phase = phaseOf(r);
  const inSync = inSyncOf(ctx, r);
  const drift = sync.spec.drift.mode === 'Ignore' ? undefined : r.drift?.status;
  const healthWait = r.health?.wait;
  const { drift: _old, healthWait: _oldWait, finishedJobs: _jobs, ...rest } = baseStatus(ctx);
  const status: SyncStatus = {
    ...rest,
    lastAppliedRevision: r.revision,
    lastAttemptedRevision: r.revision,
    ...(phase === 'healthy' ? { lastHealthyRevision: r.revision } : {}),
    inventory: { entries: r.inventory },
    // Conditions say when their state changed: now, not when this reconcile began.
    conditions: conditionsOf(ctx, r, inSync, deps.clock.now()),
    history: r.history(historyResults[phase], r.summary),
    ...(drift ? { drift } : {}),
    ...(healthWait ? { healthWait } : {}),
    ...(r.finishedJobs.length > 0 ? { finishedJobs: r.finishedJobs } : {}),
  };
  const res = await writeStatus(deps.kube, ctx.obj, status, ctx.signal);
  if (res.error) ctx.log.warn({ err: res.error }, 'status not written');
  announceOutcome(ctx, r, inSync, phase);
  const drifted = r.drift?.drifted.length ?? 0;
  deps.observeObjects(ctx.key, r.desiredCount - drifted, drifted);
  if (phase === 'unhealthy') {
    deps.requeue(ctx.key, retryDelay(ctx));
    return 'failure';
  }
  const interval = jitter(parseDuration(sync.spec.interval), deps.random);
  const soonest = Math.min(
    interval,
    inSync.alertInMs === undefined ? interval : inSync.alertInMs + 50,
    r.health?.recheckInMs ?? interval,
  );
  if (phase === 'healthy') ctx.failures.delete(ctx.key);
  deps.requeue(ctx.key, soonest);
  return 'success';
}
