/**
 * The HelmRepository side of the operator: one informer, a work queue and the reconciler
 * (leader-gated like the others). An edit of a repository's spec wakes the Syncs whose chart
 * comes from it at once; so does a new index digest, found by the reconciler's interval fetch.
 * A change of a repository's auth Secret (watched like the Syncs' render inputs) fetches again.
 */
import { API_GROUP_VERSION, Kinds } from '../api/index.ts';
import { nameKeyOf, splitNameKey } from '../core/index.ts';
import type { WatchTiming } from '../kube/index.ts';
import type { HelmIndexes } from '../source/index.ts';
import type { EventMemory, EventRecorder } from './events.ts';
import { reconcileHelmRepository } from './helm-repositories.ts';
import { startInformer } from './informer.ts';
import type { Leadership } from './leader/elector.ts';
import { whileLeading } from './leader/gate.ts';
import { createWorkQueue, type WorkQueue } from './queue.ts';
import type { TimedRun } from './reconcile-timer.ts';
import { secretReader } from './secrets.ts';
import type { StatusMemory } from './status-memory.ts';
import type { Clock, Logger } from './types.ts';
import { needsReconcile } from './watch-events.ts';
import { watchRenderInputs } from './render-inputs-watch.ts';

export type HelmRepositoryWiring = {
  readonly kube: StatusMemory['kube'];
  readonly memory: StatusMemory;
  readonly indexes: HelmIndexes;
  readonly events: EventRecorder & EventMemory;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly leadership: Leadership;
  readonly timed: TimedRun;
  readonly concurrency: number;
  readonly namespace: string | undefined;
  readonly watch?: WatchTiming | undefined;
  readonly signal: AbortSignal;
  /** Wakes the Syncs whose chart comes from this repository. */
  readonly wake: (namespace: string, name: string) => void;
};

export function startHelmRepositories(w: HelmRepositoryWiring): { readonly queue: WorkQueue } {
  const failures = new Map<string, number>();
  const deps = {
    kube: w.kube,
    indexes: w.indexes,
    readSecret: secretReader(w.kube),
    clock: w.clock,
    random: Math.random,
    logger: w.logger,
    events: w.events,
    onIndex: w.wake,
    requeue: (key: string, ms: number) => queue.addAfter(key, ms),
  };
  const queue = createWorkQueue({
    concurrency: Math.max(1, Math.min(w.concurrency, 4)),
    signal: w.signal,
    onError: (key, error) =>
      w.logger.error({ helmrepository: key, err: String(error) }, 'reconcile crashed'),
    handler: whileLeading(w.leadership, (key, s) =>
      w.timed(Kinds.HelmRepository, async () => {
        const [ns, name] = splitNameKey(key);
        const obj = w.memory.freshest(informer.get(ns, name));
        if (obj) return reconcileHelmRepository(obj, failures, deps, s);
        failures.delete(key);
        queue.forget(key);
        w.events.forget({
          apiVersion: API_GROUP_VERSION,
          kind: Kinds.HelmRepository,
          namespace: ns,
          name,
        });
        return undefined;
      }),
    ),
  });
  // A change of a repository's auth Secret fetches its index again at once.
  const secrets = watchRenderInputs({
    ...{ kube: w.kube, signal: w.signal, logger: w.logger, watch: w.watch },
    wake: (keys) => {
      for (const key of keys) queue.add(key);
    },
  });
  let listed = false;
  const informer = startInformer({
    kube: w.kube,
    apiVersion: API_GROUP_VERSION,
    kind: Kinds.HelmRepository,
    ...(w.namespace ? { namespace: w.namespace } : {}),
    signal: w.signal,
    logger: w.logger,
    ...(w.watch ? { watch: w.watch } : {}),
    onChange: (type, obj, old) => {
      if (type === 'deleted') w.memory.forget(obj);
      else w.memory.observe(obj);
      if (type === 'deleted') secrets.forget(nameKeyOf(obj));
      else secrets.track(obj);
      if (type === 'deleted' || needsReconcile(type, obj, old)) queue.add(nameKeyOf(obj));
      // The first list is what the Syncs' first reconcile reads; a status write is no edit.
      if (!listed) return;
      if (type === 'modified' && old?.metadata.generation === obj.metadata.generation) return;
      w.wake(obj.metadata.namespace ?? '', obj.metadata.name ?? '');
    },
  });
  void informer.synced.then(() => {
    listed = true;
  });
  return { queue };
}
