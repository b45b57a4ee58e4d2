/**
 * Before anything is written: resolve every kind, read every live object, find objects another
 * Sync owns (adopting those whose Sync is gone), and server-side dry-run the whole set, but for the
 * new objects the client can judge itself (local-plan.ts, ADR 0035). Objects whose kind or
 * namespace is created by stage 1 of the same set cannot be dry-run yet and are deferred until
 * stage 1 is applied.
 */
import pLimit from 'p-limit';
import {
  API_GROUP,
  formatObjectId,
  Kinds,
  Labels,
  objectIdOf,
  type KubeObject,
} from '../core/index.ts';
import type { KubeError, ResourceInfo } from '../kube/index.ts';
import { matchesDesired } from '../drift/index.ts';
import { wouldChange } from './compare.ts';
import { planLocal } from './local-plan.ts';
import type { ApplyDeps, ApplyRequest, Conflict } from './types.ts';
import { refOf } from './wait.ts';

export type Prepared = {
  readonly obj: KubeObject;
  readonly stage: number;
  readonly live: KubeObject | undefined;
  /** Dry-run done: 'create' | 'update' | 'none'; or deferred until stage 1 is applied. */
  readonly plan: 'create' | 'update' | 'none' | 'deferred' | 'recreate';
};

export type PreflightFailure = {
  readonly obj: KubeObject;
  readonly message: string;
  /** The API server's answer, when it refused (absent for checks made here). */
  readonly error?: KubeError;
};

export type PreflightResult = {
  readonly prepared: Prepared[];
  readonly failures: PreflightFailure[];
  readonly conflicts: Conflict[];
};

/** `group/Kind` pairs and namespaces that stage 1 of this set creates. */
function definedByStageOne(stages: ApplyRequest['stages']): {
  kinds: Set<string>;
  namespaces: Set<string>;
} {
  const kinds = new Set<string>();
  const namespaces = new Set<string>();
  for (const obj of stages[0] ?? []) {
    if (obj.kind === 'Namespace' && obj.metadata.name) namespaces.add(obj.metadata.name);
    if (obj.kind === 'CustomResourceDefinition') {
      const spec = obj.spec as { group?: string; names?: { kind?: string } } | undefined;
      if (spec?.group && spec.names?.kind) kinds.add(`${spec.group}/${spec.names.kind}`);
    }
  }
  return { kinds, namespaces };
}

export function isImmutableError(error: KubeError): boolean {
  return (
    error.code === 'Invalid' &&
    /immutable|may not change|cannot change|Forbidden: updates to/i.test(error.message)
  );
}

export function conflictOwner(
  live: KubeObject | undefined,
  owner: ApplyRequest['owner'],
): { name: string; namespace: string } | undefined {
  const labels = live?.metadata.labels ?? {};
  const name = labels[Labels.syncName];
  const namespace = labels[Labels.syncNamespace];
  if (name === undefined || namespace === undefined) return undefined;
  return name === owner.name && namespace === owner.namespace ? undefined : { name, namespace };
}

async function prepareOne(
  obj: KubeObject,
  stage: number,
  req: ApplyRequest,
  deps: ApplyDeps,
  stageOne: ReturnType<typeof definedByStageOne>,
): Promise<Prepared | PreflightFailure | { conflict: Conflict }> {
  const id = objectIdOf(obj);
  const name = formatObjectId(id);
  if (id.group === API_GROUP && id.kind === Kinds.SyncHistory)
    return { obj, message: `${name}: a SyncHistory is written by the operator only, not applied` };
  const resolved = await deps.kube.resolveKind(obj.apiVersion, obj.kind, deps.signal);
  if (!resolved.ok) {
    if (resolved.error.code === 'UnknownKind' && stageOne.kinds.has(`${id.group}/${id.kind}`)) {
      return { obj, stage, live: undefined, plan: 'deferred' };
    }
    return { obj, message: `${name}: ${resolved.error.message}`, error: resolved.error };
  }
  const info: ResourceInfo = resolved.value;
  const ns = obj.metadata.namespace;
  if (info.namespaced && !ns)
    return { obj, message: `${name}: namespaced kind without a namespace` };
  const live = await readLive(obj, deps);
  if (!live.ok) {
    if (live.error.code === 'NotFound' && ns && stageOne.namespaces.has(ns)) {
      return { obj, stage, live: undefined, plan: 'deferred' };
    }
    return { obj, message: `${name}: ${live.error.message}`, error: live.error };
  }
  return prepareAgainst(obj, stage, live.value, { req, deps, stageOne, name, id });
}

/**
 * The live object: from the watch-fed cache when it holds it and it already matches desired
 * (nothing to do, no request); otherwise one GET, so a change is judged against fresh state and
 * not a cache a watch event behind.
 */
async function readLive(obj: KubeObject, deps: ApplyDeps) {
  const cached = deps.live?.(obj);
  if (cached && matchesDesired(obj, cached)) return { ok: true as const, value: cached };
  if (!cached && deps.knownAbsent?.(obj)) return { ok: true as const, value: undefined };
  return deps.kube.get(refOf(obj), deps.signal);
}

/** A conflict when another Sync owns the live object; adopted (no conflict) when it is gone. */
async function claimOf(
  live: KubeObject | undefined,
  id: Conflict['id'],
  req: ApplyRequest,
  deps: ApplyDeps,
): Promise<Conflict | undefined> {
  const other = conflictOwner(live, req.owner);
  if (!other) return undefined;
  if (!(await deps.ownerGone?.(other))) return { id, owner: other };
  deps.onAdopt?.({ id, owner: other });
  return undefined;
}

async function prepareAgainst(
  obj: KubeObject,
  stage: number,
  live: KubeObject | undefined,
  c: {
    req: ApplyRequest;
    deps: ApplyDeps;
    stageOne: ReturnType<typeof definedByStageOne>;
    name: string;
    id: Conflict['id'];
  },
): Promise<Prepared | PreflightFailure | { conflict: Conflict }> {
  const { req, deps, stageOne, name, id } = c;
  const ns = obj.metadata.namespace;
  const conflict = await claimOf(live, id, req, deps);
  if (conflict) return { conflict };
  // Every desired field already has its value live: nothing to validate or write.
  if (live && deps.live && matchesDesired(obj, live)) return { obj, stage, live, plan: 'none' };
  const dry = await deps.kube.apply(
    obj,
    { fieldManager: req.fieldManager, dryRun: true, force: true },
    deps.signal,
  );
  if (!dry.ok) {
    if (dry.error.code === 'NotFound' && ns && stageOne.namespaces.has(ns)) {
      return { obj, stage, live, plan: 'deferred' };
    }
    if (req.force && live && isImmutableError(dry.error))
      return { obj, stage, live, plan: 'recreate' };
    const hint = isImmutableError(dry.error)
      ? ' (an immutable field changed: set spec.force to recreate it)'
      : '';
    return { obj, message: `${name}: ${dry.error.message}${hint}`, error: dry.error };
  }
  if (!live) return { obj, stage, live, plan: 'create' };
  return { obj, stage, live, plan: wouldChange(dry.value, live) ? 'update' : 'none' };
}

export async function preflight(req: ApplyRequest, deps: ApplyDeps): Promise<PreflightResult> {
  const limit = pLimit(deps.concurrency);
  const stageOne = definedByStageOne(req.stages);
  const local = await planLocal(req.stages.flat(), deps, stageOne.namespaces);
  const staged = req.stages.flatMap((objs, stage) => objs.map((obj) => ({ obj, stage })));
  const asked = staged.filter(({ obj }) => !local.locals.has(obj));
  const results = await Promise.all(
    asked.map(({ obj, stage }) => limit(() => prepareOne(obj, stage, req, deps, stageOne))),
  );
  // A representative refused: its group is dry-run whole, so every failing object is named.
  const refused = new Set<string>();
  for (const [key, rep] of local.representatives) {
    const r = results[asked.findIndex((a) => a.obj === rep)];
    if (!r || !('plan' in r) || r.plan !== 'create') refused.add(key);
  }
  for (const { obj, stage } of staged) {
    const key = local.locals.get(obj);
    if (key === undefined) continue;
    if (refused.has(key))
      results.push(await limit(() => prepareOne(obj, stage, req, deps, stageOne)));
    else results.push({ obj, stage, live: undefined, plan: 'create' });
  }
  const prepared: Prepared[] = [];
  const failures: PreflightFailure[] = [];
  const conflicts: Conflict[] = [];
  for (const r of results) {
    if ('conflict' in r) conflicts.push(r.conflict);
    else if ('message' in r) failures.push(r);
    else prepared.push(r);
  }
  return { prepared, failures, conflicts };
}

/** Dry-runs an object deferred until stage 1 was applied; same rules as above. */
export async function prepareDeferred(
  p: Prepared,
  req: ApplyRequest,
  deps: ApplyDeps,
): Promise<Prepared | PreflightFailure | { conflict: Conflict }> {
  return prepareOne(p.obj, p.stage, req, deps, { kinds: new Set(), namespaces: new Set() });
}
