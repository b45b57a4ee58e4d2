/**
 * The Sync's finalizer (ADR 0026): added before anything is applied, removed once what the Sync
 * applied is deleted (or orphaned). While the Sync is being deleted each reconcile runs one
 * teardown pass and writes what it is waiting for.
 */
import { parseDuration, DeletionPolicies, type Sync } from '../../api/index.ts';
import { Finalizers, type KubeObject } from '../../core/index.ts';
import type { KubeClient, ObjectRef } from '../../kube/index.ts';
import { writeStatus } from '../status.ts';
import { ReconcileOutcomes, type ReconcileOutcome } from '../types.ts';
import { applierOf } from './apply.ts';
import type { SyncReconcilerDeps } from './reconcile.ts';
import { decideTeardown } from './teardown-decide.ts';
import { tearDown } from './teardown.ts';

const SLICE_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

const refOfSync = (obj: KubeObject): ObjectRef => ({
  apiVersion: obj.apiVersion,
  kind: obj.kind,
  name: obj.metadata.name ?? '',
  ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
});

export const hasFinalizer = (obj: KubeObject): boolean =>
  (obj.metadata.finalizers ?? []).includes(Finalizers.sync);

/**
 * Sets the Sync's finalizers to `next(current)` with the live resourceVersion as precondition;
 * a conflict (the cached copy was stale) reads the Sync again and retries once.
 */
async function patchFinalizers(
  kube: KubeClient,
  obj: KubeObject,
  next: (current: readonly string[]) => string[],
  signal: AbortSignal,
): Promise<{ ok: true; obj: KubeObject | undefined } | { ok: false; message: string }> {
  let current: KubeObject | undefined = obj;
  for (let attempt = 0; attempt < 2 && current; attempt++) {
    const metadata = {
      finalizers: next(current.metadata.finalizers ?? []),
      resourceVersion: current.metadata.resourceVersion,
    };
    const res = await kube.mergePatch(refOfSync(obj), { metadata }, signal);
    if (res.ok) return { ok: true, obj: res.value };
    if (res.error.code === 'NotFound') return { ok: true, obj: undefined };
    if (res.error.code !== 'Conflict') return { ok: false, message: res.error.message };
    const got = await kube.get(refOfSync(obj), signal);
    if (!got.ok) return { ok: false, message: got.error.message };
    current = got.value;
  }
  return current ? { ok: false, message: 'the Sync kept changing' } : { ok: true, obj: undefined };
}

/** Adds the finalizer when missing; returns the Sync as it is now. */
export async function ensureFinalizer(
  kube: KubeClient,
  obj: KubeObject,
  signal: AbortSignal,
): Promise<{ ok: true; obj: KubeObject } | { ok: false; message: string }> {
  if (hasFinalizer(obj)) return { ok: true, obj };
  const res = await patchFinalizers(kube, obj, (f) => [...f, Finalizers.sync], signal);
  if (!res.ok) return { ok: false, message: `adding the finalizer failed: ${res.message}` };
  return { ok: true, obj: res.obj ?? obj };
}

type SyncView = {
  readonly policy: string;
  readonly suspended: boolean;
  readonly timeoutMs: number;
  readonly serviceAccountName: string | undefined;
};

function viewOf(obj: KubeObject, sync: Sync | undefined): SyncView {
  const spec = (sync?.spec ?? obj.spec ?? {}) as Partial<Sync['spec']>;
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  try {
    if (spec.timeout) timeoutMs = parseDuration(spec.timeout);
  } catch {
    // an unreadable timeout keeps the default
  }
  return {
    policy: spec.deletionPolicy ?? DeletionPolicies.Delete,
    suspended: spec.suspend === true,
    timeoutMs,
    serviceAccountName: spec.serviceAccountName,
  };
}

type Run = { readonly key: string; readonly signal: AbortSignal };

/** One reconcile of a Sync being deleted. */
export async function finalizeSync(
  obj: KubeObject,
  sync: Sync | undefined,
  deps: SyncReconcilerDeps,
  run: Run,
): Promise<ReconcileOutcome | undefined> {
  if (!hasFinalizer(obj)) return undefined;
  const view = viewOf(obj, sync);
  const status = (obj.status ?? {}) as Sync['status'] & {};
  const entries = (status.inventory?.entries ?? []).map((e) => ({ ...e }));
  const owner = { name: obj.metadata.name ?? '', namespace: obj.metadata.namespace ?? '' };
  const account = view.serviceAccountName;
  const kube = applierOf(deps.cluster.kube, {
    metadata: owner,
    spec: account ? { serviceAccountName: account } : {},
  } as Sync);
  const policy = view.suspended
    ? DeletionPolicies.Orphan
    : (view.policy as typeof DeletionPolicies.Delete);
  const pass = await tearDown(
    { entries, owner, policy, sliceMs: Math.min(SLICE_MS, view.timeoutMs) },
    { kube, clock: deps.clock, concurrency: deps.concurrency },
    run.signal,
  );
  if (run.signal.aborted) return ReconcileOutcomes.abandoned;
  const decision = decideTeardown({
    pass,
    policy,
    suspended: view.suspended,
    conditions: status.conditions,
    generation: obj.metadata.generation,
    deletedAt: new Date(obj.metadata.deletionTimestamp ?? deps.clock.now().toISOString()),
    now: deps.clock.now(),
    timeoutMs: view.timeoutMs,
  });
  const about = { apiVersion: obj.apiVersion, kind: obj.kind, ...owner, uid: obj.metadata.uid };
  const log = deps.logger.child({ sync: run.key });
  const e = decision.event;
  if (e) deps.report.events.record(about, e.type, e.reason, e.message);
  if (!decision.done) {
    const next = { ...status, conditions: decision.conditions };
    const op = deps.cluster.operatorId;
    const res = await writeStatus(deps.cluster.kube, obj, next, run.signal, op);
    if (res.error) log.warn({ err: res.error }, 'status not written');
    deps.report.requeue(run.key, decision.requeueMs);
    return pass.failures.length > 0 ? ReconcileOutcomes.failure : ReconcileOutcomes.success;
  }
  return releaseSync(obj, deps, { ...run, log, message: decision.event.message, policy });
}

/** Cleanup done: the finalizer goes, and with it the Sync. */
async function releaseSync(
  obj: KubeObject,
  deps: SyncReconcilerDeps,
  run: Run & { log: SyncReconcilerDeps['logger']; message: string; policy: string },
): Promise<ReconcileOutcome> {
  const removed = await patchFinalizers(
    deps.cluster.kube,
    obj,
    (f) => f.filter((x) => x !== Finalizers.sync),
    run.signal,
  );
  if (!removed.ok) {
    run.log.warn({ err: removed.message }, 'finalizer not removed');
    deps.report.requeue(run.key, 5_000);
    return ReconcileOutcomes.failure;
  }
  run.log.info({ policy: run.policy }, run.message);
  return ReconcileOutcomes.success;
}
