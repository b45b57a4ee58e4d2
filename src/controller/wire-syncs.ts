/**
 * The Sync side of the operator: its informer, its work queue and reconciler, and the drift
 * trigger (a managed object changed between reconciles). A Sync that is deleted is forgotten
 * everywhere it was remembered.
 */
import { API_GROUP_VERSION, DriftModes, Kinds, type DriftMode } from '../api/index.ts';
import {
  ConditionReasons,
  Labels,
  type KubeObject,
  nameKey,
  nameKeyOf,
  splitNameKey,
} from '../core/index.ts';
import { createCompactor, type WatchTiming } from '../kube/index.ts';
import type { ApiReachability } from './api-reachability.ts';
import type { Dependents } from './dependents.ts';
import { wakesSync } from './drift-trigger.ts';
import { ttlFinishOf } from './finished-jobs.ts';
import { startInformer, type ChangeType, type Informer } from './informer.ts';
import type { Leadership } from './leader/elector.ts';
import { whileLeading } from './leader/gate.ts';
import { otherWriterOf } from './other-operators.ts';
import { createWorkQueue, Lanes, type WorkQueue } from './queue.ts';
import type { TimedRun } from './reconcile-timer.ts';
import { syncHandles, type SyncWiring } from './sync-handles.ts';
import { ReconcileOutcomes } from './types.ts';
import { trackSyncOutages, type SyncOutages } from './sync-outages.ts';
import { forgetRendered, reconcileSync } from './sync/index.ts';
import { needsReconcile, wakesDependents } from './watch-events.ts';
import type { Sources } from './wire-sources.ts';
import { watchRenderInputs, type RenderInputsWatch } from './render-inputs-watch.ts';
import { createChartCaches } from './chart-caches.ts';
import { startHelmRepositories } from './wire-helm-repositories.ts';

export type SyncSide = SyncWiring & {
  readonly dependents: Dependents;
  readonly leadership: Leadership;
  readonly timed: TimedRun;
  readonly concurrency: number;
  readonly namespace: string | undefined;
  /** Only the Syncs of this operator's shard (ADR 0026). */
  readonly labelSelector?: string;
  /** Watch timeout and no-progress timeout of the informer; omitted: the defaults. */
  readonly watch?: WatchTiming;
  readonly signal: AbortSignal;
  /** How long a Sync is left to another operator that wrote it, as a duration (`5m`). */
  readonly yieldFor: string;
  /** Whether the API server answers: Syncs cut short by an outage are requeued when it ends. */
  readonly reachability: Pick<ApiReachability, 'down' | 'onReturn'>;
  /** Told of every change the informer sees (the dashboard's live updates). */
  readonly observe?: ((type: ChangeType, obj: KubeObject) => void) | undefined;
};

export type Syncs = {
  readonly informer: Informer;
  readonly queue: WorkQueue;
  readonly outages: SyncOutages;
  /** The HelmRepositories' reconciles. */
  readonly helmRepositories: WorkQueue;
};

export function startSyncs(w: SyncSide, sources: Sources): Syncs {
  const lookupSync = (ns: string, name: string) => w.memory.freshest(informer.get(ns, name));
  const outages = trackSyncOutages(w.reachability, (k) => queue.add(k));
  const inputs = watchRenderInputs({
    ...{ kube: w.kube, signal: w.signal, logger: w.logger, watch: w.watch },
    wake: (keys) => {
      for (const k of keys) queue.add(k);
    },
  });
  const charts = createChartCaches(w, w.signal);
  const deps = {
    ...syncHandles({ ...w, charts }, sources, lookupSync, (k, ms) => queue.addAfter(k, ms), inputs),
    outages,
  };
  const skipDeps = { ...deps, skipOnly: true };
  const forget = (key: string): void => forgetSync(w, key, outages, queue);
  const queue = createWorkQueue({
    concurrency: w.concurrency,
    // A skip is one status write and one history write: as many as the API requests of an apply.
    skipConcurrency: w.applyConcurrency,
    signal: w.signal,
    onError: (key, error) => w.logger.error({ sync: key, err: String(error) }, 'reconcile crashed'),
    handler: whileLeading(w.leadership, (key, s, lane) =>
      w.timed(Kinds.Sync, async () => {
        await sources.restored;
        const obj = lookupSync(...splitNameKey(key));
        if (!obj) return forget(key);
        if (outages.deferred(key)) return undefined;
        outages.began(key);
        try {
          const result = await reconcileSync(obj, lane === Lanes.skip ? skipDeps : deps, s);
          outages.ended(key, result === ReconcileOutcomes.success);
          // It has to render after all: back to the main lane, within --concurrency.
          if (result === ReconcileOutcomes.deferred) queue.add(key);
          return result;
        } catch (error) {
          outages.ended(key, false);
          throw error;
        }
      }),
    ),
  });
  const informer = startInformer({
    kube: w.kube,
    apiVersion: API_GROUP_VERSION,
    kind: Kinds.Sync,
    ...(w.namespace ? { namespace: w.namespace } : {}),
    ...(w.labelSelector === undefined ? {} : { labelSelector: w.labelSelector }),
    signal: w.signal,
    logger: w.logger,
    ...(w.watch ? { watch: w.watch } : {}),
    // Each Sync's copy stores its repeated strings (namespace, revision, kinds, timestamps) and
    // its managedFields trees once across Syncs (docs/adr/0038); nothing is dropped.
    transform: createCompactor(undefined, {
      keepLastApplied: true,
      deepStrings: ['spec', 'status'],
    }),
    onChange: syncChanged(w, queue, inputs),
  });
  watchDrift(w, lookupSync, queue);
  const helmRepositories = startHelmRepositories({
    ...w,
    indexes: charts,
    wake: (namespace, name) => {
      for (const key of inputs.readersOf({ kind: 'HelmRepository', namespace, name }))
        queue.add(key);
    },
  });
  return { informer, queue, outages, helmRepositories: helmRepositories.queue };
}

/** Everything kept for a Sync that is gone: memories, metrics, events, its queue entry. */
function forgetSync(
  w: SyncSide,
  key: string,
  outages: Pick<SyncOutages, 'forget'>,
  queue: Pick<WorkQueue, 'forget'>,
): void {
  const [namespace, sync] = splitNameKey(key);
  const r = w.remembered;
  r.desired.forget(key);
  r.jobsSeen.forget(key);
  r.parseMemos.delete(key);
  forgetRendered(r.rendered, namespace, sync);
  r.commits.forget(key);
  r.failures.delete(key);
  r.lastApplies.delete(key);
  r.histories.forget(key);
  w.others.forget(key);
  w.events.forget({ apiVersion: API_GROUP_VERSION, kind: Kinds.Sync, namespace, name: sync });
  w.metrics.forgetSync({ namespace, sync });
  outages.forget(key);
  queue.forget(key);
}

/** What a Sync's add, change or removal does: memories kept or dropped, reconciles queued. */
function syncChanged(
  w: SyncSide,
  queue: Pick<WorkQueue, 'add'>,
  inputs: Pick<RenderInputsWatch, 'track' | 'forget'>,
): Parameters<typeof startInformer>[0]['onChange'] {
  return (type, obj, old) => {
    w.observe?.(type, obj);
    const key = nameKeyOf(obj);
    const other = type === 'modified' ? otherWriterOf(old, obj, w.others.self) : undefined;
    if (other !== undefined) noticeOther(w, obj, other);
    if (type === 'deleted') {
      w.registry.forgetSync(key);
      w.memory.forget(obj);
    } else {
      w.registry.track(obj);
      w.memory.observe(obj);
    }
    if (type === 'deleted' || needsReconcile(type, obj, old) || deletionBegun(obj, old))
      queue.add(key);
    if (wakesDependents(type, obj, old)) for (const d of w.dependents.of(key)) queue.add(d);
    if (type === 'deleted') w.dependents.forget(key);
    else w.dependents.track(obj);
    if (type === 'deleted') inputs.forget(key);
    else inputs.track(obj);
  };
}

/** The Sync was just marked for deletion: its finalizer's teardown starts. */
const deletionBegun = (obj: KubeObject, old: KubeObject | undefined): boolean =>
  obj.metadata.deletionTimestamp !== undefined && old?.metadata.deletionTimestamp === undefined;

/** Another operator wrote this Sync's status: yield it, and say so when the yield begins. */
function noticeOther(w: SyncSide, obj: KubeObject, other: string): void {
  const key = nameKeyOf(obj);
  if (!w.others.saw(key, other)) return;
  const self = w.others.self;
  w.logger.warn({ sync: key, other, self }, 'another operator writes this Sync');
  w.events.record(
    {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name ?? '',
      uid: obj.metadata.uid,
    },
    'Warning',
    ConditionReasons.OtherOperator,
    `another Moor operator (${other}) wrote the status of Sync ${key}; this one (${self}) leaves the Sync to it for ${w.yieldFor}: run a single operator, or every one with --leader-elect`,
  );
}

/** Drift: a managed object changed or vanished and no longer matches what its Sync applied. */
function watchDrift(
  w: SyncSide,
  lookupSync: (namespace: string, name: string) => KubeObject | undefined,
  queue: WorkQueue,
): void {
  w.live.onChange((obj, type) => {
    const labels = obj.metadata.labels ?? {};
    const syncKey = nameKey(labels[Labels.syncNamespace], labels[Labels.syncName]);
    // The last state of a finished Job, kept for when its TTL removes it.
    if (ttlFinishOf(obj)) w.remembered.jobsSeen.remember(syncKey, obj);
    const desired = w.remembered.desired.get(syncKey, obj);
    if (!desired) return;
    const sync = lookupSync(...splitNameKey(syncKey));
    const status = sync?.status as { drift?: unknown; healthWait?: unknown } | undefined;
    const reportsDrift = status?.drift !== undefined;
    const mode =
      (sync?.spec as { drift?: { mode?: DriftMode } } | undefined)?.drift?.mode ??
      DriftModes.Correct;
    // Drift begins or may have ended; or the Sync waits for its objects' health, which this
    // change may decide.
    if (
      status?.healthWait !== undefined ||
      wakesSync({ type, live: obj, desired, mode, reportsDrift })
    )
      queue.add(syncKey);
  });
}
