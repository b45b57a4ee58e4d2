/**
 * The composition root: builds the operator from its parts (Kubernetes and Git clients, artifact
 * store, informers, live cache, work queues, reconcilers, notifier, HTTP server) and runs it until
 * the signal aborts.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { formatDuration, Kinds } from '../api/index.ts';
import { MoorError, systemClock, type Clock } from '../core/index.ts';
import { createGitClient, type GitClient } from '../git/index.ts';
import { createLiveCache } from '../kube/index.ts';
import {
  createAddressPolicy,
  DEFAULT_DENIED_HOSTS,
  DEFAULT_DENIED_RANGES,
  type AddressPolicy,
  type EventInput,
} from '../notify/index.ts';
import { bindServer, createMetrics, type BoundServer, type Metrics } from '../server/index.ts';
import { createArtifactStore, type ArtifactStore } from '../source/index.ts';
import type { ApiReachability } from './api-reachability.ts';
import { createArtifactIndex } from './artifact-registry.ts';
import { createCommitClock } from './commit-clock.ts';
import { connect } from './connect.ts';
import { createDependents } from './dependents.ts';
import { createEventRecorder, type EventMemory, type EventRecorder } from './events.ts';
import { startHeapReclaim } from './heap-reclaim.ts';
import { startFeedback } from './feedback.ts';
import type { OperatorOptions, ProviderAddressOptions } from './options.ts';
import { trackOtherOperators, type OtherOperators } from './other-operators.ts';
import { timeReconciles } from './reconcile-timer.ts';
import { countRemembered } from './remembered.ts';
import { secretReader, type SecretReader } from './secrets.ts';
import { startPreviews } from './preview/index.ts';
import { liveSelector, shardSelector } from './shard.ts';
import { serveHttp, untilAborted } from './serve.ts';
import { createDashboardHub, type DashboardHub } from './dashboard.ts';
import { startDashboard } from './dashboard-serve.ts';
import { rememberSyncs } from './sync-handles.ts';
import type { Logger } from './types.ts';
import { changedFirst } from './sync/index.ts';
import { Lanes } from './queue.ts';
import { startImageAutomation } from './image/index.ts';
import { startSources } from './wire-sources.ts';
import { startSyncs, type SyncSide } from './wire-syncs.ts';

export { needsReconcile } from './watch-events.ts';

export async function runOperator(given: OperatorOptions): Promise<void> {
  const addressPolicy = providerAddressPolicy(given.providerAddresses);
  // Listen before anything starts: an address in use stops the operator here, with its name.
  const listener = given.httpAddr ? await bindServer(given.httpAddr) : undefined;
  // A failure while starting (or running) stops whatever had started, the listener included,
  // so the process ends at once with the error instead of lingering on open handles.
  const failed = new AbortController();
  const signal = AbortSignal.any([given.signal, failed.signal]);
  try {
    await runListening({ ...given, signal }, listener, addressPolicy);
  } catch (error) {
    failed.abort();
    await listener?.close();
    throw error;
  }
}

async function runListening(
  given: OperatorOptions,
  listener: BoundServer | undefined,
  addressPolicy: AddressPolicy,
): Promise<void> {
  const root = pino({ level: given.logLevel, base: { component: 'moor' } });
  const logger = root as unknown as Logger;
  const clock = systemClock;
  const metrics = createMetrics();
  const conn = connect(given, { root, clock }, metrics);
  const { leadership, signal, memory, reachability } = conn;
  // Reflectors in a backoff pause retry the moment the API server answers again.
  const opts = { ...given, watch: { ...given.watch, wake: reachability.wake } };
  const kube = memory.kube;
  const git = gitClientOf(opts, clock, root);
  const storage = opts.storagePath ?? join(tmpdir(), `moor-artifacts-${process.pid}`);
  await createStorage(storage);
  const store = createArtifactStore(storage);
  metrics.observeApiRequests(() => kube.requestCounts);
  const hub = createDashboardHub(clock);
  const events = hub.tapEvents(
    createEventRecorder({ kube, clock, logger, component: 'moor', signal }),
  );
  const live = liveCacheOf(opts, { kube, signal, logger: root.child({ part: 'live' }), clock });
  const readSecret = secretReader(kube);
  const timed = timeReconciles(metrics, clock);
  const common = { kube, memory, logger, clock, leadership, timed, signal, reachability };
  const announce = (event: EventInput) =>
    feedback.notifier.publish({ ...event, cluster: opts.clusterName });
  const others = otherOperators(opts, clock);
  const parts = { common, git, store, events, readSecret, live, metrics, announce, others, hub };
  const { sources, syncs, remembered } = startReconcilers(opts, parts);
  const images = startImageAutomation(opts, parts, sources);
  metrics.observeRemembered(remembered);
  metrics.observeLiveObjects(() => live.size());
  const feedback = startFeedback({
    kube,
    git,
    clock,
    logger,
    metrics,
    clusterName: opts.clusterName,
    addressPolicy,
    namespace: opts.namespace,
    signal,
    readSecret,
    sources: sources.informer,
    whenLeading: (sig) => leadership.whenLeading(sig),
  });
  const http = serveHttp(listener, {
    logger,
    clock,
    metrics,
    feedback,
    sourceQueue: sources.queue,
    notReadyBecause: () => unreachableSince(reachability),
    previews: previewsOf(opts, parts, addressPolicy),
    version: opts.version,
    dashboard: await startDashboard(opts, { ...common, live, sources, syncs, hub, git, conn }),
  });
  const busy = () => sources.queue.size + syncs.queue.size > 0;
  const heapLogger = root.child({ part: 'heap' });
  startHeapReclaim({ busy, now: () => clock.monotonic(), signal, logger: heapLogger });
  const synced = [sources.informer.synced, syncs.informer.synced, feedback.synced, images.synced];
  await Promise.all([...synced, sources.restored]);
  http.markReady();
  logger.info(startedFields(opts, storage, http.address), 'operator started');

  await untilAborted(signal);
  logger.info('operator stopping');
  const done = [sources.queue.done, syncs.queue.done, sources.informer.done, syncs.informer.done];
  await Promise.all([...done, feedback.done, live.stopped(), images.done]);
  await stopped({ events, leadership, http });
}

/** The watch of applied objects (for drift): with --shard, only the objects of that shard. */
function liveCacheOf(
  opts: OperatorOptions,
  parts: Pick<Parameters<typeof createLiveCache>[0], 'kube' | 'signal' | 'logger' | 'clock'>,
) {
  return createLiveCache({
    ...parts,
    labelSelector: liveSelector(opts.shard),
    ...(opts.watch ? { watch: opts.watch } : {}),
  });
}

function startedFields(opts: OperatorOptions, storage: string, http: string | undefined) {
  const kustomize = opts.kustomize.path ?? '(none)';
  const shard = opts.shard ?? '(unlabelled)';
  return { namespace: opts.namespace ?? '(all)', storage, http, kustomize, shard };
}

/** The last steps of a stop: pending events written, the Lease released, the server closed. */
async function stopped(parts: {
  readonly events: { flush(): Promise<unknown> };
  readonly leadership: { release(): Promise<unknown>; readonly lost: AbortSignal };
  readonly http: { close(): Promise<unknown> };
}): Promise<void> {
  await parts.events.flush().catch(() => undefined);
  await parts.leadership.release();
  await parts.http.close();
  if (parts.leadership.lost.aborted) throw parts.leadership.lost.reason as Error;
}

/** A start-up failure of the operator itself (not of one resource): it exits with the message. */
export class OperatorStartError extends MoorError<'StorageUnusable', { path: string }> {}

async function createStorage(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new OperatorStartError(
      'StorageUnusable',
      `storage path ${path} (--storage-path) cannot be created: ${why}`,
      { path },
      { cause: error },
    );
  }
}

/** What `/readyz` says while the API server does not answer. */
function unreachableSince(reachability: ApiReachability): string | undefined {
  const down = reachability.down();
  return down && `the API server has not answered since ${down.since.toISOString()}: ${down.error}`;
}

/** The one Git client of the process, with the operator's timeout and environment. */
function gitClientOf(opts: OperatorOptions, clock: Clock, root: pino.Logger): GitClient {
  return createGitClient({
    timeoutMs: opts.gitTimeoutMs,
    allowFileUrls: opts.allowFileUrls,
    env: opts.env,
    clock,
    logger: root.child({ part: 'git' }),
  });
}

/** The Provider address policy: the defaults denied, plus what the flags add; throws on a bad range. */
export function providerAddressPolicy(options: ProviderAddressOptions | undefined): AddressPolicy {
  const policy = createAddressPolicy({
    allowHosts: options?.allowHosts ?? [],
    deniedRanges: [...DEFAULT_DENIED_RANGES, ...(options?.deniedRanges ?? [])],
    deniedHosts: [...DEFAULT_DENIED_HOSTS, ...(options?.deniedHosts ?? [])],
  });
  if (!policy.ok) throw policy.error;
  return policy.value;
}

const DEFAULT_YIELD_MS = 5 * 60_000;

/** With a Lease, only the leader writes; without one, another writer makes a Sync yield. */
function otherOperators(opts: OperatorOptions, clock: Clock): OtherOperators {
  const self =
    opts.operatorId ??
    opts.leaderElection?.identity ??
    `${hostname()}_${randomBytes(4).toString('hex')}`;
  const yieldMs = opts.leaderElection ? 0 : (opts.otherOperatorYieldMs ?? DEFAULT_YIELD_MS);
  return trackOtherOperators(self, yieldMs, clock);
}

/** The GitRepository and Sync reconcilers, each with its informer and queue, wired together. */
function startReconcilers(
  opts: OperatorOptions,
  parts: {
    readonly common: Pick<
      SyncSide,
      'kube' | 'memory' | 'logger' | 'clock' | 'leadership' | 'timed' | 'signal' | 'reachability'
    >;
    readonly git: GitClient;
    readonly store: ArtifactStore;
    readonly events: EventRecorder & EventMemory;
    readonly readSecret: SecretReader;
    readonly live: SyncSide['live'];
    readonly metrics: Metrics;
    readonly announce: (event: EventInput) => void;
    readonly others: OtherOperators;
    readonly hub: DashboardHub;
  },
) {
  const { common, events } = parts;
  const scope = {
    concurrency: opts.concurrency,
    namespace: opts.namespace,
    ...(opts.watch ? { watch: opts.watch } : {}),
    labelSelector: shardSelector(opts.shard),
  };
  const registry = createArtifactIndex();
  const commits = createCommitClock();
  const remembered = rememberSyncs(commits);
  const sources = startSources({
    ...common,
    ...scope,
    git: parts.git,
    store: parts.store,
    registry,
    events,
    readSecret: parts.readSecret,
    allowFileUrls: opts.allowFileUrls,
    observe: parts.hub.observe(Kinds.GitRepository),
    onArtifact: (namespace, name) => {
      const artifact = registry.artifact(namespace, name);
      if (artifact) commits.seen(artifact.revision, common.clock.monotonic());
      const keys = registry.syncsOf(namespace, name);
      const woken = changedFirst(keys, remembered.lastApplies, artifact?.changes);
      for (const key of woken.changed) syncs.queue.add(key);
      for (const key of woken.unchanged) syncs.queue.add(key, Lanes.skip);
    },
  });
  const dependents = createDependents();
  const syncs = startSyncs(
    {
      ...common,
      ...scope,
      live: parts.live,
      registry,
      dependents,
      remembered,
      events,
      metrics: parts.metrics,
      kustomize: opts.kustomize,
      helm: opts.helm,
      applyConcurrency: opts.applyConcurrency,
      announce: parts.announce,
      others: parts.others,
      shard: opts.shard,
      yieldFor: formatDuration(opts.otherOperatorYieldMs ?? DEFAULT_YIELD_MS),
      observe: parts.hub.observe(Kinds.Sync),
    },
    sources,
  );
  const queues = { sync: syncs.queue, source: sources.queue };
  const counts = { memory: common.memory, events, registry, dependents, queues };
  const sourceFailures = sources.failures;
  return {
    sources,
    syncs,
    remembered: countRemembered({ ...counts, syncs: remembered, sourceFailures }),
  };
}

/** Pull-request previews (Receivers with `spec.preview`), with the operator's clients and settings. */
function previewsOf(
  opts: OperatorOptions,
  parts: {
    readonly common: Pick<SyncSide, 'kube' | 'logger' | 'signal'>;
    readonly git: GitClient;
    readonly readSecret: SecretReader;
  },
  addressPolicy: AddressPolicy,
) {
  const { kube, logger, signal } = parts.common;
  return startPreviews({
    kube,
    git: parts.git,
    kustomize: opts.kustomize,
    allowFileUrls: opts.allowFileUrls,
    readSecret: parts.readSecret,
    addressPolicy,
    clusterName: opts.clusterName,
    logger,
    signal,
  });
}
