/**
 * The composition root: builds the operator from its parts (Kubernetes and Git clients, artifact
 * store, informers, live cache, work queues, reconcilers, notifier, HTTP server) and runs it until
 * the signal aborts.
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Labels, systemClock } from '../core/index.ts';
import { createGitClient, type GitClient } from '../git/index.ts';
import { createLiveCache } from '../kube/index.ts';
import type { EventInput } from '../notify/index.ts';
import { bindServer, createMetrics, type Metrics } from '../server/index.ts';
import { createArtifactStore, type ArtifactStore } from '../source/index.ts';
import { createArtifactIndex } from './artifact-registry.ts';
import { createCommitClock } from './commit-clock.ts';
import { connect } from './connect.ts';
import { createDependents } from './dependents.ts';
import { createEventRecorder, type EventRecorder } from './events.ts';
import { startFeedback } from './feedback.ts';
import type { OperatorOptions } from './options.ts';
import { timeReconciles } from './reconcile-timer.ts';
import { secretReader, type SecretReader } from './secrets.ts';
import { serveHttp, untilAborted } from './serve.ts';
import { rememberSyncs } from './sync-handles.ts';
import type { Logger } from './types.ts';
import { startSources } from './wire-sources.ts';
import { startSyncs, type SyncSide } from './wire-syncs.ts';

export { needsReconcile } from './watch-events.ts';

export async function runOperator(opts: OperatorOptions): Promise<void> {
  const root = pino({ level: opts.logLevel, base: { component: 'moor' } });
  const logger = root as unknown as Logger;
  const clock = systemClock;
  const metrics = createMetrics();
  // Listen before anything starts: an address in use stops the operator here, with its name.
  const listener = opts.httpAddr ? await bindServer(opts.httpAddr) : undefined;
  const { leadership, signal, memory } = connect(opts, { root, clock }, metrics);
  const kube = memory.kube;
  const git = createGitClient({
    timeoutMs: opts.gitTimeoutMs,
    allowFileUrls: opts.allowFileUrls,
    env: opts.env,
    clock,
    logger: root.child({ part: 'git' }),
  });
  const storage = opts.storagePath ?? join(tmpdir(), `moor-artifacts-${process.pid}`);
  await mkdir(storage, { recursive: true });
  const store = createArtifactStore(storage);
  metrics.observeApiRequests(() => kube.requestCounts);
  const events = createEventRecorder({
    kube,
    clock,
    logger,
    component: 'moor',
    signal,
  });
  const live = createLiveCache({
    kube,
    labelSelector: Labels.syncName,
    signal,
    logger: root.child({ part: 'live' }),
    clock,
  });
  const readSecret = secretReader(kube);
  const timed = timeReconciles(metrics, clock);
  const common = { kube, memory, logger, clock, leadership, timed, signal };
  const announce = (event: EventInput) =>
    feedback.notifier.publish({ ...event, cluster: opts.clusterName });
  const parts = { common, git, store, events, readSecret, live, metrics, announce };
  const { sources, syncs } = startReconcilers(opts, parts);
  const feedback = startFeedback({
    kube,
    git,
    clock,
    logger,
    metrics,
    clusterName: opts.clusterName,
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
  const synced = [sources.informer.synced, syncs.informer.synced, feedback.synced];
  await Promise.all([...synced, sources.restored]);
  http.markReady();
  const kustomize = opts.kustomize.path ?? '(none)';
  const started = { namespace: opts.namespace ?? '(all)', storage, http: http.address, kustomize };
  logger.info(started, 'operator started');

  await untilAborted(signal);
  logger.info('operator stopping');
  const queues = [sources.queue.done, syncs.queue.done];
  const informers = [sources.informer.done, syncs.informer.done, feedback.done, live.stopped()];
  await Promise.all([...queues, ...informers]);
  await events.flush().catch(() => undefined);
  await leadership.release();
  await http.close();
  if (leadership.lost.aborted) throw leadership.lost.reason as Error;
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
    readonly events: EventRecorder;
    readonly readSecret: SecretReader;
    readonly live: SyncSide['live'];
    readonly metrics: Metrics;
    readonly announce: (event: EventInput) => void;
  },
) {
  const { common, events } = parts;
  const scope = { concurrency: opts.concurrency, namespace: opts.namespace };
  const registry = createArtifactIndex();
  const commits = createCommitClock();
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
      for (const key of registry.syncsOf(namespace, name)) syncs.queue.add(key);
    },
  });
  const syncs = startSyncs(
    {
      ...common,
      ...scope,
      live: parts.live,
      registry,
      dependents: createDependents(),
      remembered: rememberSyncs(commits),
      events,
      metrics: parts.metrics,
      kustomize: opts.kustomize,
      applyConcurrency: opts.applyConcurrency,
      announce: parts.announce,
    },
    sources,
  );
  return { sources, syncs };
}
