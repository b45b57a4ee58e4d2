/**
 * The Sync reconciler: render the source's artifact at spec.path, validate and apply it with
 * server-side apply, prune what left Git, optionally wait for health, and say so in status and
 * events. Quiet when nothing changed: no status write, no event.
 */
import { parseDuration, parseSync, type Sync } from '../api/index.ts';
import { applyPlan, waitForHealth, type ApplyOutcome } from '../apply/index.ts';
import {
  Annotations,
  ConditionReasons,
  ConditionStatuses,
  ConditionTypes,
  FIELD_MANAGER,
  formatObjectId,
  type KubeObject,
} from '../core/index.ts';
import type { KubeClient } from '../kube/index.ts';
import {
  formatChangeSummary,
  inventoryEntryOf,
  planChangeSet,
  summarizeChangeSet,
  type InventoryEntry,
} from '../plan/index.ts';
import { backoffDelay, jitter, type Random } from './backoff.ts';
import { unreadyDependencies } from './dependencies.ts';
import type { EventRecorder } from './events.ts';
import type { ArtifactRegistry } from './git-repositories.ts';
import { renderDesired, type KindScopes, type RenderCache } from './render-desired.ts';
import { writeStatus } from './status.ts';
import {
  appendHistory,
  mergeInventories,
  readyFalse,
  sameInventory,
  setConditions,
  withoutReconciling,
  type SyncStatus,
} from './sync-status.ts';
import type { Clock, Logger } from './types.ts';

export type SyncReconcilerDeps = {
  readonly kube: KubeClient;
  readonly artifacts: ArtifactRegistry;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly events: EventRecorder;
  readonly kubectlPath: string | undefined;
  readonly concurrency: number;
  readonly renderCache: RenderCache;
  readonly kindScopes: KindScopes;
  readonly requeue: (key: string, delayMs: number) => void;
  readonly lookupSync: (namespace: string, name: string) => KubeObject | undefined;
};

type Ctx = {
  readonly obj: KubeObject;
  readonly sync: Sync;
  readonly key: string;
  readonly status: SyncStatus;
  readonly now: Date;
  readonly deps: SyncReconcilerDeps;
  readonly signal: AbortSignal;
  readonly failures: Map<string, number>;
  readonly log: Logger;
};

const about = (ctx: Ctx) => ({
  apiVersion: ctx.obj.apiVersion,
  kind: ctx.obj.kind,
  namespace: ctx.sync.metadata.namespace ?? '',
  name: ctx.sync.metadata.name,
  uid: ctx.obj.metadata.uid,
});

function baseStatus(ctx: Ctx): SyncStatus {
  const requested = ctx.sync.metadata.annotations?.[Annotations.reconcileRequestedAt];
  return {
    ...ctx.status,
    observedGeneration: ctx.sync.metadata.generation,
    ...(requested ? { lastHandledReconcileAt: requested } : {}),
  };
}

/** A failure before or during apply: Ready=False with the reason, retry with backoff. */
async function fail(
  ctx: Ctx,
  reason: string,
  message: string,
  extra: Partial<SyncStatus> = {},
  stalled = false,
): Promise<void> {
  const n = (ctx.failures.get(ctx.key) ?? 0) + 1;
  ctx.failures.set(ctx.key, n);
  const previous = ctx.status.conditions?.find((c) => c.type === ConditionTypes.Ready);
  const repeated =
    previous?.status === ConditionStatuses.False &&
    previous.reason === reason &&
    previous.message === message;
  let conditions = setConditions(
    ctx.status.conditions,
    [readyFalse(reason, message)],
    ctx.sync.metadata.generation,
    ctx.now,
  );
  conditions = withoutReconciling(conditions);
  if (stalled) {
    conditions = setConditions(
      conditions,
      [{ type: ConditionTypes.Stalled, status: ConditionStatuses.True, reason, message }],
      ctx.sync.metadata.generation,
      ctx.now,
    );
  }
  const res = await writeStatus(
    ctx.deps.kube,
    ctx.obj,
    { ...baseStatus(ctx), ...extra, conditions },
    ctx.signal,
  );
  if (res.error) ctx.log.warn({ err: res.error }, 'status not written');
  if (!repeated) {
    ctx.log.warn({ reason }, message);
    ctx.deps.events.record(about(ctx), 'Warning', reason, message);
  }
  const interval = parseDuration(ctx.sync.spec.interval);
  const retry = ctx.sync.spec.retryInterval ? parseDuration(ctx.sync.spec.retryInterval) : interval;
  ctx.deps.requeue(ctx.key, backoffDelay(n, 1000, retry));
}

export async function reconcileSync(
  obj: KubeObject,
  failures: Map<string, number>,
  deps: SyncReconcilerDeps,
  signal: AbortSignal,
): Promise<void> {
  const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
  const now = deps.clock.now();
  const log = deps.logger.child({ sync: key });
  const parsed = parseSync(obj);
  if (!parsed.ok) {
    const ctx: Ctx = {
      obj,
      sync: { ...(obj as unknown as Sync), spec: { interval: '10m' } as Sync['spec'] },
      key,
      status: obj.status ?? {},
      now,
      deps,
      signal,
      failures,
      log,
    };
    await fail(ctx, ConditionReasons.InvalidSpec, parsed.error.message, {}, true);
    return;
  }
  const sync = parsed.value;
  if (sync.spec.suspend) return;
  const ctx: Ctx = { obj, sync, key, status: sync.status ?? {}, now, deps, signal, failures, log };

  const waiting = unreadyDependencies(sync, deps.lookupSync);
  if (waiting.length > 0) {
    await fail(
      ctx,
      ConditionReasons.DependencyNotReady,
      `waiting for ${waiting.map((w) => `Sync ${w}`).join(', ')} to be Ready`,
    );
    return;
  }
  const srcNamespace = sync.spec.sourceRef.namespace ?? sync.metadata.namespace ?? '';
  const artifact = deps.artifacts.get(`${srcNamespace}/${sync.spec.sourceRef.name}`);
  if (!artifact) {
    await fail(
      ctx,
      ConditionReasons.ArtifactNotReady,
      `GitRepository ${srcNamespace}/${sync.spec.sourceRef.name} has no artifact yet`,
    );
    return;
  }
  const rendered = await renderDesired(
    {
      artifactDir: artifact.dir,
      digest: artifact.digest,
      path: sync.spec.path,
      targetNamespace: sync.spec.targetNamespace,
      syncName: sync.metadata.name,
      syncNamespace: sync.metadata.namespace ?? '',
    },
    {
      kube: deps.kube,
      cache: deps.renderCache,
      scopes: deps.kindScopes,
      kubectlPath: deps.kubectlPath,
    },
    signal,
  );
  if (!rendered.ok) {
    await fail(
      ctx,
      ConditionReasons.BuildFailed,
      `revision ${artifact.revision}: ${rendered.error}`,
      { lastAttemptedRevision: artifact.revision },
    );
    return;
  }
  await applyRevision(
    ctx,
    artifact.revision,
    rendered.value.map((r) => r.object),
  );
}

async function applyRevision(start: Ctx, revision: string, desired: KubeObject[]): Promise<void> {
  let ctx = start;
  const { sync, deps, signal } = ctx;
  const started = deps.clock.now();
  const oldInventory = (ctx.status.inventory?.entries ?? []) as InventoryEntry[];
  const desiredInventory = desired.map(inventoryEntryOf);
  const plan = planChangeSet({ desired, inventory: oldInventory, prune: sync.spec.prune });

  // Record intent first: every object about to be created is in the stored inventory before it
  // exists, so a crash between apply and the final status write leaves nothing unowned. A new
  // revision also says Reconciling while it is applied.
  const intent = mergeInventories(oldInventory, desiredInventory);
  const newRevision = ctx.status.lastAttemptedRevision !== revision;
  if (!sameInventory(intent, oldInventory) || newRevision) {
    const conditions = setConditions(
      ctx.status.conditions,
      [
        {
          type: ConditionTypes.Reconciling,
          status: ConditionStatuses.True,
          reason: ConditionReasons.Progressing,
          message: `applying revision ${revision}`,
        },
      ],
      sync.metadata.generation,
      ctx.now,
    );
    const res = await writeStatus(
      deps.kube,
      ctx.obj,
      {
        ...ctx.status,
        lastAttemptedRevision: revision,
        inventory: { entries: intent },
        conditions,
      },
      signal,
    );
    if (res.obj) ctx = { ...ctx, obj: res.obj, status: res.obj.status ?? {} };
    if (res.error) {
      await fail(
        ctx,
        ConditionReasons.ApplyFailed,
        `recording the inventory before applying failed: ${res.error}`,
      );
      return;
    }
  }

  const kube = sync.spec.serviceAccountName
    ? deps.kube.impersonate(
        `system:serviceaccount:${sync.metadata.namespace ?? ''}:${sync.spec.serviceAccountName}`,
      )
    : deps.kube;
  const timeoutMs = parseDuration(sync.spec.timeout);
  const applySignal = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  const outcome = await applyPlan(
    {
      stages: plan.stages,
      prune: plan.prune,
      owner: { name: sync.metadata.name, namespace: sync.metadata.namespace ?? '' },
      fieldManager: FIELD_MANAGER,
      force: sync.spec.force,
      timeoutMs,
    },
    {
      kube,
      signal: applySignal,
      concurrency: deps.concurrency,
      now: () => deps.clock.now().getTime(),
    },
  );
  reportConflicts(ctx, outcome);
  const counts = summarizeChangeSet(outcome);
  const summary = formatChangeSummary(counts);
  const history = (result: string, message: string) =>
    appendHistory(
      ctx.status.history,
      {
        revision,
        startedAt: started.toISOString(),
        finishedAt: deps.clock.now().toISOString(),
        result,
        message,
        created: counts.created,
        configured: counts.configured,
        deleted: counts.deleted,
        durationMs: deps.clock.now().getTime() - started.getTime(),
      },
      counts,
    );

  if (!outcome.ok) {
    const failed = outcome.entries.filter((e) => e.action === 'failed');
    const reason =
      outcome.conflicts.length > 0
        ? ConditionReasons.Conflict
        : outcome.phase === 'validate'
          ? ConditionReasons.DryRunFailed
          : outcome.phase === 'prune'
            ? ConditionReasons.PruneFailed
            : ConditionReasons.ApplyFailed;
    const message = `revision ${revision}: ${failed.map((e) => e.message).join('; ')}`;
    // Keep everything that may exist in the inventory so a later revision can prune it.
    await fail(ctx, reason, message, {
      lastAttemptedRevision: revision,
      inventory: { entries: intent },
      history: history('Failed', message),
    });
    return;
  }

  let health: { status: 'True' | 'False'; reason: string; message: string } | undefined;
  if (sync.spec.wait) {
    const report = await waitForHealth(kube, outcome.applied, {
      timeoutMs,
      signal,
      now: () => deps.clock.now().getTime(),
      concurrency: deps.concurrency,
    });
    health = report.healthy
      ? {
          status: 'True',
          reason: ConditionReasons.Succeeded,
          message: `all ${outcome.applied.length} objects are healthy`,
        }
      : {
          status: 'False',
          reason: report.timedOut
            ? ConditionReasons.HealthCheckTimeout
            : ConditionReasons.HealthCheckFailed,
          message:
            [...report.failed, ...report.progressing]
              .map((h) => h.message)
              .slice(0, 10)
              .join('; ') + (report.timedOut ? ` (after ${sync.spec.timeout})` : ''),
        };
  }
  await finish(ctx, revision, desiredInventory, { summary, counts, health, history });
}

function reportConflicts(ctx: Ctx, outcome: ApplyOutcome): void {
  for (const c of outcome.conflicts) {
    const what = formatObjectId(c.id);
    ctx.deps.events.record(
      {
        apiVersion: ctx.obj.apiVersion,
        kind: 'Sync',
        namespace: c.owner.namespace,
        name: c.owner.name,
      },
      'Warning',
      ConditionReasons.Conflict,
      `Sync ${ctx.sync.metadata.namespace ?? ''}/${ctx.sync.metadata.name} also declares ${what}, which this Sync owns; it was not taken over`,
    );
  }
}

async function finish(
  ctx: Ctx,
  revision: string,
  inventory: InventoryEntry[],
  r: {
    summary: string;
    counts: ReturnType<typeof summarizeChangeSet>;
    health: { status: 'True' | 'False'; reason: string; message: string } | undefined;
    history: (result: string, message: string) => SyncStatus['history'];
  },
): Promise<void> {
  const { sync, deps } = ctx;
  const healthy = r.health?.status !== 'False';
  const updates = [
    healthy
      ? {
          type: ConditionTypes.Ready,
          status: ConditionStatuses.True,
          reason: ConditionReasons.Succeeded,
          message: `Applied revision ${revision}`,
        }
      : readyFalse(
          r.health?.reason ?? ConditionReasons.HealthCheckFailed,
          `revision ${revision} applied but not healthy: ${r.health?.message ?? ''}`,
        ),
    ...(r.health ? [{ type: ConditionTypes.Healthy, ...r.health }] : []),
  ];
  let conditions = withoutReconciling(
    setConditions(ctx.status.conditions, updates, sync.metadata.generation, ctx.now),
  );
  conditions = conditions.filter((c) => c.type !== ConditionTypes.Stalled);
  const changed = r.counts.created + r.counts.configured + r.counts.deleted > 0;
  const result = healthy ? 'Succeeded' : 'Failed';
  const status: SyncStatus = {
    ...baseStatus(ctx),
    lastAppliedRevision: revision,
    lastAttemptedRevision: revision,
    ...(healthy && (r.health || !sync.spec.wait) ? { lastHealthyRevision: revision } : {}),
    inventory: { entries: inventory },
    conditions,
    history: r.history(result, r.summary),
  };
  const res = await writeStatus(deps.kube, ctx.obj, status, ctx.signal);
  if (res.error) ctx.log.warn({ err: res.error }, 'status not written');
  if (changed || ctx.status.lastAppliedRevision !== revision) {
    ctx.log.info({ revision, summary: r.summary }, 'applied');
    deps.events.record(about(ctx), 'Normal', 'Applied', `revision ${revision}: ${r.summary}`, {
      'moor.dev/revision': revision,
    });
  }
  if (!healthy) {
    const n = (ctx.failures.get(ctx.key) ?? 0) + 1;
    ctx.failures.set(ctx.key, n);
    if (ctx.status.conditions?.find((c) => c.type === ConditionTypes.Healthy)?.status !== 'False') {
      deps.events.record(
        about(ctx),
        'Warning',
        r.health?.reason ?? ConditionReasons.HealthCheckFailed,
        r.health?.message ?? '',
      );
    }
    const retry = sync.spec.retryInterval
      ? parseDuration(sync.spec.retryInterval)
      : parseDuration(sync.spec.interval);
    deps.requeue(ctx.key, backoffDelay(n, 1000, retry));
    return;
  }
  ctx.failures.delete(ctx.key);
  deps.requeue(ctx.key, jitter(parseDuration(sync.spec.interval), deps.random));
}
