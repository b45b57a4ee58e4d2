/**
 * The GitRepository side of the operator: its informer, its work queue and reconciler, and the
 * artifacts found again on disk at start. A GitRepository that is deleted is forgotten with its
 * artifact, its failures and its last status write.
 */
import { API_GROUP_VERSION, Kinds } from '../api/index.ts';
import type { GitClient } from '../git/index.ts';
import type { KubeClient, WatchTiming } from '../kube/index.ts';
import type { ArtifactStore } from '../source/index.ts';
import type { ArtifactIndex } from './artifact-registry.ts';
import type { EventMemory, EventRecorder } from './events.ts';
import { reconcileGitRepository } from './git-repositories.ts';
import { startInformer, type ChangeType, type Informer } from './informer.ts';
import type { Leadership } from './leader/elector.ts';
import { whileLeading } from './leader/gate.ts';
import { createWorkQueue, type WorkQueue } from './queue.ts';
import type { TimedRun } from './reconcile-timer.ts';
import { restoreArtifacts } from './restore-artifacts.ts';
import type { SecretReader } from './secrets.ts';
import type { StatusMemory } from './status-memory.ts';
import type { Clock, Logger } from './types.ts';
import { needsReconcile } from './watch-events.ts';
import { nameKey, nameKeyOf, splitNameKey, type KubeObject } from '../core/index.ts';
import { revisionOf } from './revisions.ts';
import type { ApiReachability } from './api-reachability.ts';
import { trackSourceOutages } from './source-outages.ts';
import type { SyncSources } from './sync/index.ts';

export type SourceWiring = {
  readonly kube: KubeClient;
  readonly memory: StatusMemory;
  readonly git: GitClient;
  readonly store: ArtifactStore;
  readonly registry: ArtifactIndex;
  readonly events: EventRecorder & EventMemory;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly leadership: Leadership;
  readonly timed: TimedRun;
  readonly readSecret: SecretReader;
  readonly allowFileUrls: boolean;
  readonly concurrency: number;
  readonly namespace: string | undefined;
  /** Only the GitRepositories of this operator's shard (ADR 0026). */
  readonly labelSelector?: string;
  /** Watch timeout and no-progress timeout of the informer; omitted: the defaults. */
  readonly watch?: WatchTiming;
  /** A source published a new artifact. */
  readonly onArtifact: (namespace: string, name: string) => void;
  readonly signal: AbortSignal;
  /** Told of every change the informer sees (the dashboard's live updates). */
  readonly observe?: ((type: ChangeType, obj: KubeObject) => void) | undefined;
  /** Whether the API server answers: sources due or failed meanwhile are requeued when it does. */
  readonly reachability?: Pick<ApiReachability, 'down' | 'onReturn'>;
};

export type Sources = {
  readonly informer: Informer;
  readonly queue: WorkQueue;
  /** True once the informer has listed: an absent source then does not exist. */
  listed(): boolean;
  /** Resolves once the artifacts published before this process are known again. */
  readonly restored: Promise<void>;
  /** Consecutive failures per source (forgotten on success and with the source). */
  readonly failures: ReadonlyMap<string, number>;
  /** The artifact of an earlier commit of a source (for a pin or a rollback, ADR 0019). */
  readonly revision: SyncSources['revision'];
};

/** A deleted GitRepository: its artifact, events and index entries go. */
async function forgetSource(w: SourceWiring, ns: string, name: string): Promise<void> {
  w.registry.forgetSource(nameKey(ns, name));
  // The Syncs that still use it say so (SourceNotFound) now, not at their next interval.
  w.onArtifact(ns, name);
  w.events.forget({
    apiVersion: API_GROUP_VERSION,
    kind: Kinds.GitRepository,
    namespace: ns,
    name,
  });
  await w.store.collectGarbage(ns, name, new Set());
}

export function startSources(w: SourceWiring): Sources {
  const failures = new Map<string, number>();
  const fetchedAt = new Map<string, Date>();
  const deps = {
    kube: w.kube,
    git: w.git,
    store: w.store,
    artifacts: w.registry.artifacts,
    allowFileUrls: w.allowFileUrls,
    clock: w.clock,
    random: Math.random,
    logger: w.logger,
    events: w.events,
    onArtifact: w.onArtifact,
    requeue: (k: string, ms: number) => queue.addAfter(k, ms),
    readSecret: w.readSecret,
    fetchedAt,
  };
  const outages = w.reachability
    ? trackSourceOutages(w.reachability, (k) => queue.add(k))
    : undefined;
  const queue = createWorkQueue({
    concurrency: w.concurrency,
    signal: w.signal,
    onError: (key, error) =>
      w.logger.error({ gitrepository: key, err: String(error) }, 'reconcile crashed'),
    handler: whileLeading(w.leadership, (key, s) =>
      w.timed(Kinds.GitRepository, async () => {
        const [ns, name] = splitNameKey(key);
        const obj = w.memory.freshest(informer.get(ns, name));
        if (obj) {
          if (outages?.deferred(key)) return undefined;
          const result = await reconcileGitRepository(obj, failures, deps, s);
          outages?.ended(key);
          return result;
        }
        outages?.forget(key);
        failures.delete(key);
        fetchedAt.delete(key);
        queue.forget(key);
        await forgetSource(w, ns, name);
      }),
    ),
  });
  const informer = startInformer({
    kube: w.kube,
    apiVersion: API_GROUP_VERSION,
    kind: Kinds.GitRepository,
    ...(w.namespace ? { namespace: w.namespace } : {}),
    ...(w.labelSelector === undefined ? {} : { labelSelector: w.labelSelector }),
    signal: w.signal,
    logger: w.logger,
    ...(w.watch ? { watch: w.watch } : {}),
    onChange: (type, obj, old) => {
      w.observe?.(type, obj);
      if (type === 'deleted') w.memory.forget(obj);
      else w.memory.observe(obj);
      if (type === 'deleted' || needsReconcile(type, obj, old)) queue.add(nameKeyOf(obj));
    },
  });
  let listed = false;
  void informer.synced.then(() => (listed = true));
  const restored = informer.synced
    .then(() => restoreArtifacts(informer.list(), w.store, w.registry.artifacts))
    .then(
      (n) => w.logger.info({ artifacts: n }, 'artifacts restored from the store'),
      (error: unknown) => w.logger.warn({ err: String(error) }, 'artifacts not restored'),
    );
  const revision = revisionOf({
    git: w.git,
    store: w.store,
    readSecret: w.readSecret,
    allowFileUrls: w.allowFileUrls,
    lookup: (ns, name) => informer.get(ns, name),
  });
  return { informer, queue, listed: () => listed, restored, failures, revision };
}
