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
import { formatDuration } from '../api/index.ts';
import { Labels, systemClock, type Clock } from '../core/index.ts';
import { createGitClient, type GitClient } from '../git/index.ts';
import { createLiveCache } from '../kube/index.ts';
import {
  createAddressPolicy,
  DEFAULT_DENIED_HOSTS,
  DEFAULT_DENIED_RANGES,
  type AddressPolicy,
  type EventInput,
} from '../notify/index.ts';
import { bindServer, createMetrics, type Metrics } from '../server/index.ts';
import { createArtifactStore, type ArtifactStore } from '../source/index.ts';
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
import { serveHttp, untilAborted } from './serve.ts';
import { rememberSyncs } from './sync-handles.ts';
import type { Logger } from './types.ts';
import { changedFirst } from './sync/index.ts';
import { startImageAutomation } from './image/index.ts';
import { startSources } from './wire-sources.ts';
import { startSyncs, type SyncSide } from './wire-syncs.ts';

export { needsReconcile } from './watch-events.ts';

export async function runOperator(opts: OperatorOptions): Promise<void> {
  const addressPolicy = providerAddressPolicy(opts.providerAddresses);
  const root = pino({ level: opts.logLevel, base: { component: 'moor' } });
  const logger = root as unknown as Logger;
  const clock = systemClock;
  const metrics = createMetrics();
  // Listen before anything starts: an address in use stops the operator here, with its name.
  const listener = opts.httpAddr ? await bindServer(opts.httpAddr) : undefined;
  const { leadership, signal, memory } = connect(opts, { root, clock }, metrics);
  const kube = memory.kube;
  const git = gitClientOf(opts, clock, root);
  const storage = opts.storagePath ?? join(tmpdir(), `moor-artifacts-${process.pid}`);
  await mkdir(storage, { recursive: true });
  const store = createArtifactStore(storage);
  metrics.observeApiRequests(() => kube.requestCounts);
  const events = createEventRecorder({ kube, clock, logger, component: 'moor', signal });
  const live = createLiveCache({
    kube,
    labelSelector: Labels.syncName,
    signal,
    logger: root.child({ part: 'live' }),
    ...(opts.watch ? { watch: opts.watch } : {}),
    clock,
  });
  const readSecret = secretReader(kube);
  const timed = timeReconciles(metrics, clock);
  const common = { kube, memory, logger, clock, leadership, timed, signal };
  const announce = (event: EventInput) =>
    feedback.notifier.publish({ ...event, cluster: opts.clusterName });
  const others = otherOperators(opts, clock);
  const parts = { common, git, store, events, readSecret, live, metrics, announce, others };
  const { sources, syncs, remembered } = startReconcilers(opts, parts);
  const images = startImageAutomation(opts, parts, sources);
  metrics.observeRemembered(remembered);
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
  });
  startHeapReclaim({
    busy: () => sources.queue.size + syncs.queue.size > 0,
    now: () => clock.monotonic(),
    signal,
    logger: root.child({ part: 'heap' }),
  });
  const synced = [sources.informer.synced, syncs.informer.synced, feedback.synced, images.synced];
  await Promise.all([...synced, sources.restored]);
  http.markReady();
  const kustomize = opts.kustomize.path ?? '(none)';
  const started = { namespace: opts.namespace ?? '(all)', storage, http: http.address, kustomize };
  logger.info(started, 'operator started');

  await untilAborted(signal);
  logger.info('operator stopping');
  const done = [sources.queue.done, syncs.queue.done, sources.informer.done, syncs.informer.done];
  await Promise.all([...done, feedback.done, live.stopped(), images.done]);
  await events.flush().catch(() => undefined);
  await leadership.release();
  await http.close();
  if (leadership.lost.aborted) throw leadership.lost.reason as Error;
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
      'kube' | 'memory' | 'logger' | 'clock' | 'leadership' | 'timed' | 'signal'
    >;
    readonly git: GitClient;
    readonly store: ArtifactStore;
    readonly events: EventRecorder & EventMemory;
    readonly readSecret: SecretReader;
    readonly live: SyncSide['live'];
    readonly metrics: Metrics;
    readonly announce: (event: EventInput) => void;
    readonly others: OtherOperators;
  },
) {
  const { common, events } = parts;
  const scope = {
    concurrency: opts.concurrency,
    namespace: opts.namespace,
    ...(opts.watch ? { watch: opts.watch } : {}),
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
    onArtifact: (namespace, name) => {
      const artifact = registry.artifact(namespace, name);
      if (artifact) commits.seen(artifact.revision, common.clock.monotonic());
      const keys = registry.syncsOf(namespace, name);
      for (const key of changedFirst(keys, remembered.lastApplies, artifact?.changes))
        syncs.queue.add(key);
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
      applyConcurrency: opts.applyConcurrency,
      announce: parts.announce,
      others: parts.others,
      yieldFor: formatDuration(opts.otherOperatorYieldMs ?? DEFAULT_YIELD_MS),
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
