/**
 * Applying one revision: record intent (inventory first), decide what drift to correct or leave
 * per spec.drift.mode, validate and apply through apply/, then assess health (once).
 */
import { parseDuration } from '../api/index.ts';
import { applyPlan, assessObjects, refOf, type ApplyOutcome } from '../apply/index.ts';
import {
  ConditionReasons,
  ConditionStatuses,
  ConditionTypes,
  FIELD_MANAGER,
  formatObjectId,
  objectIdOf,
  objectKey,
  type KubeObject,
} from '../core/index.ts';
import {
  formatChangeSummary,
  inventoryEntryOf,
  planChangeSet,
  summarizeChangeSet,
  type InventoryEntry,
} from '../plan/index.ts';
import { checkDrift, isLeftAlone, type DriftCheck } from './drift-check.ts';
import {
  finishedHealth,
  settleFinishedJobs,
  type JobEvidence,
  type JobSettlement,
} from './finished-jobs.ts';
import { abandon, fail, sourceOf, type Ctx } from './sync-context.ts';
import { decideHealth, type HealthDecision } from './health-phase.ts';
import { driftOnFailure, remainingDrift } from './sync-drift.ts';
import { finish } from './sync-finish.ts';
import { appendHistory, mergeInventories, sameInventory, setConditions } from './sync-status.ts';
import { writeStatus } from './status.ts';

const kindsOf = (desired: readonly KubeObject[], inventory: readonly InventoryEntry[]) => {
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const o of desired)
    kinds.set(`${o.apiVersion}|${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
  for (const e of inventory) {
    const apiVersion = e.group ? `${e.group}/${e.version}` : e.version;
    kinds.set(`${apiVersion}|${e.kind}`, { apiVersion, kind: e.kind });
  }
  return [...kinds.values()];
};

/** Writes Reconciling and the inventory union before anything is created (ADR 0003). */
async function recordIntent(
  ctx: Ctx,
  revision: string,
  intent: InventoryEntry[],
): Promise<Ctx | undefined> {
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
    ctx.sync.metadata.generation,
    ctx.now,
  );
  const status = {
    ...ctx.status,
    lastAttemptedRevision: revision,
    inventory: { entries: intent },
    conditions,
  };
  const res = await writeStatus(ctx.deps.kube, ctx.obj, status, ctx.signal);
  if (res.error) {
    await fail(
      ctx,
      ConditionReasons.ApplyFailed,
      `recording the inventory before applying failed: ${res.error}`,
    );
    return undefined;
  }
  return res.obj ? { ...ctx, obj: res.obj, status: res.obj.status ?? {} } : ctx;
}

function failureReason(outcome: ApplyOutcome): string {
  if (outcome.conflicts.length > 0) return ConditionReasons.Conflict;
  if (outcome.phase === 'validate') return ConditionReasons.DryRunFailed;
  if (outcome.phase === 'prune') return ConditionReasons.PruneFailed;
  return ConditionReasons.ApplyFailed;
}

function reportConflicts(ctx: Ctx, outcome: ApplyOutcome): void {
  for (const c of outcome.conflicts) {
    const me = `Sync ${ctx.sync.metadata.namespace ?? ''}/${ctx.sync.metadata.name}`;
    ctx.deps.events.record(
      {
        apiVersion: ctx.obj.apiVersion,
        kind: 'Sync',
        namespace: c.owner.namespace,
        name: c.owner.name,
      },
      'Warning',
      ConditionReasons.Conflict,
      `${me} also declares ${formatObjectId(c.id)}, which this Sync owns; it was not taken over`,
    );
  }
}

/** What one apply pass left: the revision, everything it desired, and the apply's outcome. */
type AppliedState = {
  readonly revision: string;
  readonly desired: readonly KubeObject[];
  readonly outcome: ApplyOutcome;
};

/** The newer of two versions of one object (etcd resource versions are integers). */
function newerOf(a: KubeObject | undefined, b: KubeObject | undefined): KubeObject | undefined {
  if (!a || !b) return a ?? b;
  const x = Number(a.metadata.resourceVersion);
  const y = Number(b.metadata.resourceVersion);
  if (Number.isSafeInteger(x) && Number.isSafeInteger(y)) return y >= x ? b : a;
  return a.metadata.resourceVersion === b.metadata.resourceVersion ? b : a;
}

/**
 * One look at the health of every desired object (spec.wait), never a wait: the objects as the
 * apply left them or as the cache holds them since, whichever is newer; a GET for the rest.
 */
async function assessHealth(
  ctx: Ctx,
  { revision, desired, outcome }: AppliedState,
  kube: Parameters<typeof assessObjects>[0],
  finishedJobs: () => JobSettlement,
): Promise<HealthDecision | undefined> {
  if (!ctx.sync.spec.wait) return undefined;
  const deps = ctx.deps;
  const applied = new Map(outcome.applied.map((o) => [objectKey(objectIdOf(o)), o]));
  const report = await assessObjects(kube, desired, {
    signal: ctx.signal,
    now: () => deps.clock.now().getTime(),
    concurrency: deps.concurrency,
    live: (obj) => newerOf(applied.get(objectKey(objectIdOf(obj))), deps.live(obj)),
    // A Job its TTL removed once it finished is as healthy as it ended.
    gone: (obj) => {
      const record = finishedJobs().done.get(objectKey(objectIdOf(obj)));
      return record ? finishedHealth(obj, record) : undefined;
    },
  });
  return decideHealth({
    previous: ctx.status.healthWait,
    revision,
    generation: ctx.sync.metadata.generation,
    now: deps.clock.now(),
    timeoutMs: parseDuration(ctx.sync.spec.timeout),
    timeout: ctx.sync.spec.timeout,
    ...report,
  });
}

/**
 * Drift against the cache, confirmed with one GET per suspect: the cache may be a watch event
 * behind Moor's own last apply, and that is not drift.
 */
async function confirmDrift(ctx: Ctx, desired: readonly KubeObject[]): Promise<DriftCheck> {
  const { deps } = ctx;
  const suspects = checkDrift(desired, deps.live, ctx.status.drift, ctx.now).drifted;
  if (suspects.length === 0) return { drifted: [], status: undefined, summary: [] };
  const fresh = new Map<string, KubeObject | undefined>();
  await Promise.all(
    suspects.map(async (o) => {
      const got = await deps.kube.get(refOf(o), ctx.signal);
      fresh.set(objectKey(objectIdOf(o)), got.ok ? got.value : deps.live(o));
    }),
  );
  const lookup = (o: KubeObject): KubeObject | undefined => {
    const key = objectKey(objectIdOf(o));
    return fresh.has(key) ? fresh.get(key) : deps.live(o);
  };
  return checkDrift(desired, lookup, ctx.status.drift, ctx.now);
}

export async function applyRevision(
  start: Ctx,
  revision: string,
  desired: KubeObject[],
  timings: { renderMs: number },
): Promise<'success' | 'failure' | 'abandoned'> {
  let ctx = start;
  const { sync, deps } = ctx;
  const started = deps.clock.now();
  const oldInventory = ctx.status.inventory?.entries ?? [];
  const desiredInventory = desired.map(inventoryEntryOf);
  await deps.watchKinds(kindsOf(desired, oldInventory));

  // Drift only exists against the desired state already applied: a new revision, or a changed
  // spec (path, targetNamespace …), is applied whole.
  const newRevision =
    ctx.status.lastAppliedRevision !== revision ||
    ctx.status.observedGeneration !== sync.metadata.generation;
  const mode = sync.spec.drift.mode;
  const evidence = (): JobEvidence => ({
    live: deps.live,
    lastSeen: deps.jobsSeen(ctx.key),
    recorded: ctx.status.finishedJobs ?? [],
  });
  const settle = () => settleFinishedJobs(desired, evidence(), revision);
  // Finished Jobs their TTL removed are done for this rendered spec: not applied, not drift.
  const { done } = settle();
  const active = desired.filter((o) => !done.has(objectKey(objectIdOf(o))));
  // Correct mode needs no separate drift check: what the apply changes on the same desired state
  // is the drift it corrected. Alert and Ignore must know it beforehand, to leave it alone.
  const drift = newRevision || mode === 'Correct' ? undefined : await confirmDrift(ctx, active);
  // Objects opted out with `moor.dev/drift: ignore` are left as they are live, in every mode.
  const alone = active.filter((o) =>
    isLeftAlone(o, deps.live(o), deps.appliedDesired(ctx.key, o), newRevision),
  );
  const kept = [...alone, ...(mode === 'Correct' || !drift ? [] : drift.drifted)];
  const leave = new Set([...done.keys(), ...kept.map((o) => objectKey(objectIdOf(o)))]);

  const plan = planChangeSet({ desired, inventory: oldInventory, prune: sync.spec.prune });
  const stages = plan.stages.map((s) => s.filter((o) => !leave.has(objectKey(objectIdOf(o)))));
  const intent = mergeInventories(oldInventory, desiredInventory);
  if (ctx.status.lastAttemptedRevision !== revision) {
    deps.announce({
      event: 'ChangeCommitted',
      source: sourceOf(ctx),
      revision,
      message: `new revision ${revision}`,
    });
  }
  if (!sameInventory(intent, oldInventory) || ctx.status.lastAttemptedRevision !== revision) {
    const next = await recordIntent(ctx, revision, intent);
    if (!next) return ctx.signal.aborted ? 'abandoned' : 'failure';
    ctx = next;
  }

  const kube = sync.spec.serviceAccountName
    ? deps.kube.impersonate(
        `system:serviceaccount:${sync.metadata.namespace ?? ''}:${sync.spec.serviceAccountName}`,
      )
    : deps.kube;
  const timeoutMs = parseDuration(sync.spec.timeout);
  const applyStarted = performance.now();
  const outcome = await applyPlan(
    {
      stages,
      prune: plan.prune,
      owner: { name: sync.metadata.name, namespace: sync.metadata.namespace ?? '' },
      fieldManager: FIELD_MANAGER,
      force: sync.spec.force,
      timeoutMs,
    },
    {
      kube,
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]),
      concurrency: deps.concurrency,
      now: () => deps.clock.now().getTime(),
      live: deps.live,
      knownAbsent: deps.knownAbsent,
    },
  );
  // An apply cut short by the operator stopping reports nothing; the next run applies again.
  if (ctx.signal.aborted) return abandon(ctx);
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
    const message = `revision ${revision}: ${failed.map((e) => e.message).join('; ')}`;
    const known = driftOnFailure(ctx, revision, { newRevision, drift, active }, alone);
    // Keep everything that may exist in the inventory so a later revision can prune it.
    return fail(ctx, failureReason(outcome), message, {
      extra: {
        lastAttemptedRevision: revision,
        inventory: { entries: intent },
        history: history('Failed', message),
        ...(known.drift ? { drift: known.drift } : {}),
      },
      conditions: known.conditions,
      announce: {
        event: 'ApplyFailed',
        revision,
        objects: failed.map((e) => formatObjectId(e.id)),
      },
    });
  }
  deps.rememberDesired(ctx.key, desired);
  // Correct mode: what the apply could not bring back (still being deleted) is drift left.
  const left = mode === 'Correct' ? remainingDrift(ctx, active, outcome) : drift;
  const health = await assessHealth(ctx, { revision, desired, outcome }, kube, settle);
  return finish(ctx, {
    timings: { ...timings, applyMs: Math.round(performance.now() - applyStarted) },
    revision,
    newRevision,
    inventory: desiredInventory,
    outcome,
    summary,
    counts,
    health,
    history,
    drift: left,
    corrected:
      mode === 'Correct' && !newRevision
        ? outcome.entries
            .filter((e) => e.action === 'created' || e.action === 'configured')
            .map((e) => formatObjectId(e.id))
        : [],
    desiredCount: desired.length,
    finishedJobs: settle().records,
  });
}
