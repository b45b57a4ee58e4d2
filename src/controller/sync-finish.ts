/**
 * The end of a successful apply: conditions (Ready, Healthy, InSync), status.drift, history, and
 * what to tell people: Applied, Pruned, DriftCorrected, Diverged (after the grace period, once),
 * Converged (once, when a change or a divergence ends), HealthFailed.
 */
import { parseDuration } from '../api/index.ts';
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
import { about, baseStatus, retryDelay, sourceOf, type Ctx } from './sync-context.ts';
import { readyFalse, setConditions, withoutReconciling, type SyncStatus } from './sync-status.ts';
import { writeStatus } from './status.ts';

export type Health = { status: 'True' | 'False'; reason: string; message: string };

export type Finished = {
  readonly revision: string;
  readonly newRevision: boolean;
  readonly inventory: InventoryEntry[];
  readonly outcome: ApplyOutcome;
  readonly summary: string;
  readonly counts: ChangeCounts;
  readonly health: Health | undefined;
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

type InSync = {
  update?: Omit<Condition, 'lastTransitionTime'>;
  diverged: boolean;
  alertInMs?: number;
};

/** The InSync condition and whether the grace period just ran out. */
function inSyncOf(ctx: Ctx, r: Finished): InSync {
  const mode = ctx.sync.spec.drift.mode;
  if (mode === 'Ignore') return { diverged: false };
  const drift = r.drift?.status;
  if (!drift) {
    const message = `all ${r.desiredCount} objects match revision ${r.revision}`;
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
  const message = `${objects.length} object${objects.length === 1 ? '' : 's'} differ from revision ${r.revision}: ${objects.slice(0, 5).join('; ')}`;
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

function conditionsOf(ctx: Ctx, r: Finished, inSync: InSync): Condition[] {
  const healthy = r.health?.status !== 'False';
  const ready = healthy
    ? {
        type: ConditionTypes.Ready,
        status: ConditionStatuses.True,
        reason: ConditionReasons.Succeeded,
        message: `Applied revision ${r.revision}`,
      }
    : readyFalse(
        r.health?.reason ?? ConditionReasons.HealthCheckFailed,
        `revision ${r.revision} applied but not healthy: ${r.health?.message ?? ''}`,
      );
  const updates = [
    ready,
    ...(r.health ? [{ type: ConditionTypes.Healthy, ...r.health }] : []),
    ...(inSync.update ? [inSync.update] : []),
  ];
  let conditions = withoutReconciling(
    setConditions(ctx.status.conditions, updates, ctx.sync.metadata.generation, ctx.now),
  );
  conditions = removeCondition(conditions, ConditionTypes.Stalled);
  return inSync.update ? conditions : removeCondition(conditions, ConditionTypes.InSync);
}

function announceOutcome(ctx: Ctx, r: Finished, inSync: InSync, healthy: boolean): void {
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
  const together = healthy && !(r.drift?.status && ctx.sync.spec.drift.mode !== 'Ignore');
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
  if (!healthy && !wasUnhealthy) {
    const message = r.health?.message ?? '';
    deps.events.record(
      about(ctx),
      'Warning',
      r.health?.reason ?? ConditionReasons.HealthCheckFailed,
      message,
    );
    deps.announce({ event: 'HealthFailed', source, revision: r.revision, message });
  }
}

export async function finish(ctx: Ctx, r: Finished): Promise<'success' | 'failure'> {
  const { sync, deps } = ctx;
  const healthy = r.health?.status !== 'False';
  const inSync = inSyncOf(ctx, r);
  const drift = sync.spec.drift.mode === 'Ignore' ? undefined : r.drift?.status;
  const { drift: _old, finishedJobs: _jobs, ...rest } = baseStatus(ctx);
  const status: SyncStatus = {
    ...rest,
    lastAppliedRevision: r.revision,
    lastAttemptedRevision: r.revision,
    ...(healthy && (r.health || !sync.spec.wait) ? { lastHealthyRevision: r.revision } : {}),
    inventory: { entries: r.inventory },
    conditions: conditionsOf(ctx, r, inSync),
    history: r.history(healthy ? 'Succeeded' : 'Failed', r.summary),
    ...(drift ? { drift } : {}),
    ...(r.finishedJobs.length > 0 ? { finishedJobs: r.finishedJobs } : {}),
  };
  const res = await writeStatus(deps.kube, ctx.obj, status, ctx.signal);
  if (res.error) ctx.log.warn({ err: res.error }, 'status not written');
  announceOutcome(ctx, r, inSync, healthy);
  const drifted = r.drift?.drifted.length ?? 0;
  deps.observeObjects(ctx.key, r.desiredCount - drifted, drifted);
  if (!healthy) {
    deps.requeue(ctx.key, retryDelay(ctx));
    return 'failure';
  }
  ctx.failures.delete(ctx.key);
  const interval = jitter(parseDuration(sync.spec.interval), deps.random);
  deps.requeue(
    ctx.key,
    inSync.alertInMs === undefined ? interval : Math.min(interval, inSync.alertInMs + 50),
  );
  return 'success';
}
