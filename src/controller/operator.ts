/**
 * The composition root: builds the operator from its parts (Kubernetes and Git clients, artifact
 * store, informers, live cache, work queues, reconcilers, notifier, HTTP server) and runs it until
 * the signal aborts.
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Kinds } from '../api/index.ts';
import { Labels } from '../core/index.ts';
import { createLiveCache } from '../drift/index.ts';
import { createGitClient } from '../git/index.ts';
import { bindServer, createMetrics, createServerApp } from '../server/index.ts';
import { createArtifactStore } from '../source/index.ts';
import { createArtifactIndex } from './artifact-registry.ts';
import { createCommitClock } from './commit-clock.ts';
import { connect } from './connect.ts';
import { createDependents } from './dependents.ts';
import { createEventRecorder } from './events.ts';
import { startFeedback } from './feedback.ts';
import type { OperatorOptions } from './options.ts';
import { timeReconciles } from './reconcile-timer.ts';
import { secretReader } from './secrets.ts';
import { rememberSyncs } from './sync-handles.ts';
import { systemClock, type Logger } from './types.ts';
import { startSources } from './wire-sources.ts';
import { startSyncs } from './wire-syncs.ts';

export { needsReconcile } from './watch-events.ts';

export async function runOperator(opts: OperatorOptions): Promise<void> {
  const root = pino({ level: opts.logLevel, base: { component: 'moor' } });
  const logger = root as unknown as Logger;
  const metrics = createMetrics();
  // Listen before anything starts: an address in use stops the operator here, with its name.
  const listener = opts.httpAddr ? await bindServer(opts.httpAddr) : undefined;
  const { leadership, signal, memory } = connect(opts, root, metrics);
  const kube = memory.kube;
  const git = createGitClient({
    timeoutMs: 120_000,
    allowFileUrls: opts.allowFileUrls,
    logger: root.child({ part: 'git' }),
  });
  const storage = opts.storagePath ?? join(tmpdir(), `moor-artifacts-${process.pid}`);
  await mkdir(storage, { recursive: true });
  const store = createArtifactStore(storage);
  metrics.observeApiRequests(() => kube.requestCounts);
  const registry = createArtifactIndex();
  const commits = createCommitClock();
  const events = createEventRecorder({
    kube,
    clock: systemClock,
    logger,
    component: 'moor',
    signal,
  });
  const live = createLiveCache({
    kube,
    labelSelector: Labels.syncName,
    signal,
    logger: root.child({ part: 'live' }),
  });
  const readSecret = secretReader(kube);
  const timed = timeReconciles(metrics);
  const common = { kube, memory, logger, leadership, timed, signal };
  const scope = { concurrency: opts.concurrency, namespace: opts.namespace };
  const sources = startSources({
    ...common,
    ...scope,
    git,
    store,
    registry,
    events,
    readSecret,
    allowFileUrls: opts.allowFileUrls,
    onArtifact: (namespace, name) => {
      const artifact = registry.artifact(namespace, name);
      if (artifact) commits.seen(artifact.revision, Date.now());
      for (const key of registry.syncsOf(namespace, name)) syncs.queue.add(key);
    },
  });
  const syncs = startSyncs(
    {
      ...common,
      ...scope,
      live,
      registry,
      dependents: createDependents(),
      remembered: rememberSyncs(commits),
      events,
      metrics,
      kustomize: opts.kustomize,
      announce: (event) => feedback.notifier.publish({ ...event, cluster: opts.clusterName }),
    },
    sources,
  );
  const feedback = startFeedback({
    kube,
    git,
    clock: systemClock,
    logger,
    metrics,
    clusterName: opts.clusterName,
    namespace: opts.namespace,
    signal,
    readSecret,
    sources: sources.informer,
    whenLeading: (sig) => leadership.whenLeading(sig),
  });
  let ready = false;
  const http = listener?.serve(
    createServerApp({
      logger,
      metrics,
      ready: () => ready,
      findReceiver: (path) => feedback.findReceiver(path),
      onReceive: (receiver, resources) => {
        for (const r of resources)
          if (r.kind === Kinds.GitRepository) sources.queue.add(`${r.namespace}/${r.name}`);
        logger.info(
          { receiver: `${receiver.namespace}/${receiver.name}`, resources: resources.length },
          'push received',
        );
      },
    }),
  );
  const synced = [sources.informer.synced, syncs.informer.synced, feedback.synced];
  await Promise.all([...synced, sources.restored]);
  ready = true;
  const kustomize = opts.kustomize.path ?? '(none)';
  const started = { namespace: opts.namespace ?? '(all)', storage, http: http?.address, kustomize };
  logger.info(started, 'operator started');

  await new Promise<void>((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  logger.info('operator stopping');
  await Promise.all([
    sources.queue.done,
    syncs.queue.done,
    sources.informer.done,
    syncs.informer.done,
    feedback.done,
    live.stopped(),
  ]);
  await events.flush().catch(() => undefined);
  await leadership.release();
  await http?.close();
  if (leadership.lost.aborted) throw leadership.lost.reason as Error;
}
