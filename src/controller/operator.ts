/**
 * The composition root: builds the operator from its parts (Kubernetes and Git clients, artifact
 * store, informers, live cache, work queues, reconcilers, notifier, HTTP server) and runs it until
 * the signal aborts.
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { API_GROUP_VERSION, DriftModes, Kinds, type DriftMode } from '../api/index.ts';
import { Annotations, Labels, objectIdOf, objectKey, type KubeObject } from '../core/index.ts';
import { createLiveCache } from '../drift/index.ts';
import { createGitClient } from '../git/index.ts';
import { createKubeClient, gateWrites, type KubeClient } from '../kube/index.ts';
import { bindServer, createMetrics, createServerApp } from '../server/index.ts';
import { createArtifactStore } from '../source/index.ts';
import { createEventRecorder } from './events.ts';
import { startFeedback } from './feedback.ts';
import { createCommitClock } from './commit-clock.ts';
import { wakesSync } from './drift-trigger.ts';
import { ttlFinishOf } from './finished-jobs.ts';
import { rememberJobsSeen } from './jobs-seen.ts';
import { reconcileGitRepository, type ArtifactRegistry } from './git-repositories.ts';
import { startInformer, type ChangeType } from './informer.ts';
import { alwaysLeading, startLeaderElection } from './leader/elector.ts';
import { whileLeading } from './leader/gate.ts';
import type { OperatorOptions } from './options.ts';
import { createWorkQueue } from './queue.ts';
import { restoreArtifacts } from './restore-artifacts.ts';
import { rememberStatusWrites } from './status-memory.ts';
import type { ParseMemo } from '../render/index.ts';
import { reconcileSync, type KindScopes, type RenderCache } from './sync/index.ts';
import { systemClock, type Logger } from './types.ts';

/** Whether a watch event asks for a reconcile: spec (generation) or a reconcile request changed. */
export function needsReconcile(
  type: ChangeType,
  obj: KubeObject,
  old: KubeObject | undefined,
): boolean {
  if (type !== 'modified' || !old) return true;
  if (obj.metadata.generation !== old.metadata.generation) return true;
  const key = Annotations.reconcileRequestedAt;
  return obj.metadata.annotations?.[key] !== old.metadata.annotations?.[key];
}

const splitKey = (key: string): [string, string] => {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
};
const keyOf = (obj: KubeObject): string =>
  `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;

async function readSecret(
  kube: KubeClient,
  namespace: string,
  name: string,
  signal: AbortSignal,
): Promise<Record<string, string> | undefined> {
  const got = await kube.get({ apiVersion: 'v1', kind: 'Secret', namespace, name }, signal);
  if (!got.ok || !got.value) return undefined;
  const data = (got.value.data ?? {}) as Record<string, string>;
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
}

export async function runOperator(opts: OperatorOptions): Promise<void> {
  const root = pino({ level: opts.logLevel, base: { component: 'moor' } });
  const logger = root as unknown as Logger;
  const metrics = createMetrics();
  // Listen before anything starts: an address in use stops the operator here, with its name.
  const listener = opts.httpAddr ? await bindServer(opts.httpAddr) : undefined;
  const raw = createKubeClient({
    ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}),
    logger: root.child({ part: 'kube' }),
  });
  // Standbys keep their caches warm but neither reconcile nor write; a leader that loses its
  // Lease stops everything (signal) and the process exits.
  const leadership = opts.leaderElection
    ? startLeaderElection({
        kube: raw,
        clock: systemClock,
        logger,
        random: Math.random,
        config: opts.leaderElection,
        onChange: (leading) => metrics.setLeader(leading),
      })
    : alwaysLeading('');
  if (!opts.leaderElection) metrics.setLeader(true);
  const signal = AbortSignal.any([opts.signal, leadership.lost]);
  const memory = rememberStatusWrites(
    gateWrites(raw, { mayWrite: () => leadership.isLeading(), identity: leadership.identity }),
  );
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
  const artifacts: ArtifactRegistry = new Map();
  const commits = createCommitClock();
  const events = createEventRecorder({
    kube,
    clock: systemClock,
    logger,
    component: 'moor',
    signal,
  });
  const scope = opts.namespace ? { namespace: opts.namespace } : {};
  const sourceFailures = new Map<string, number>();
  const syncFailures = new Map<string, number>();
  const renderCache: RenderCache = new Map();
  const parseMemos = new Map<string, ParseMemo>();
  const kindScopes: KindScopes = new Map();
  const desiredBySync = new Map<string, Map<string, KubeObject>>();
  const jobsSeen = rememberJobsSeen();
  const live = createLiveCache({
    kube,
    labelSelector: Labels.syncName,
    signal,
    logger: root.child({ part: 'live' }),
  });
  const watchedKinds = new Set<string>();
  const lookupLive = (obj: KubeObject): KubeObject | undefined =>
    live.get(obj.apiVersion, obj.kind, obj.metadata.namespace ?? '', obj.metadata.name ?? '');

  const timed = async (kind: string, run: () => Promise<unknown>): Promise<void> => {
    const started = performance.now();
    let result = 'success';
    try {
      const r = await run();
      if (r === 'failure' || r === 'abandoned') result = r;
    } catch (error) {
      result = 'error';
      throw error;
    } finally {
      metrics.observeReconcile({
        kind,
        result,
        durationSeconds: (performance.now() - started) / 1000,
      });
    }
  };

  const sourceQueue = createWorkQueue({
    concurrency: opts.concurrency,
    signal,
    onError: (key, error) =>
      logger.error({ gitrepository: key, err: String(error) }, 'reconcile crashed'),
    handler: whileLeading(leadership, (key, s) =>
      timed(Kinds.GitRepository, async () => {
        const [ns, name] = splitKey(key);
        const obj = memory.freshest(sources.get(ns, name));
        if (!obj) {
          artifacts.delete(key);
          await store.collectGarbage(ns, name, new Set());
          return;
        }
        return reconcileGitRepository(
          obj,
          sourceFailures,
          {
            kube,
            git,
            store,
            artifacts,
            allowFileUrls: opts.allowFileUrls,
            clock: systemClock,
            random: Math.random,
            logger,
            events,
            onArtifact: (sns, sname) => {
              const artifact = artifacts.get(`${sns}/${sname}`);
              if (artifact) commits.seen(artifact.revision, Date.now());
              wakeSyncsOf(sns, sname);
            },
            requeue: (k, ms) => sourceQueue.addAfter(k, ms),
            readSecret: (sns, sname, sig) => readSecret(kube, sns, sname, sig),
          },
          s,
        );
      }),
    ),
  });
  const syncQueue = createWorkQueue({
    concurrency: opts.concurrency,
    signal,
    onError: (key, error) => logger.error({ sync: key, err: String(error) }, 'reconcile crashed'),
    handler: whileLeading(leadership, (key, s) =>
      timed(Kinds.Sync, async () => {
        await restored;
        const [ns, name] = splitKey(key);
        const obj = memory.freshest(syncs.get(ns, name));
        if (!obj) {
          desiredBySync.delete(key);
          jobsSeen.forget(key);
          parseMemos.delete(key);
          commits.forget(key);
          metrics.forgetSync({ namespace: ns, sync: name });
          return;
        }
        return reconcileSync(
          obj,
          {
            clock: systemClock,
            random: Math.random,
            logger,
            concurrency: 32,
            failures: syncFailures,
            lookupSync: (sns, sname) => memory.freshest(syncs.get(sns, sname)),
            sources: {
              artifact: (sns, sname) => artifacts.get(`${sns}/${sname}`),
              published: (sns, sname) =>
                (
                  memory.freshest(sources.get(sns, sname))?.status as
                    { artifact?: { revision?: string } } | undefined
                )?.artifact?.revision,
              lookup: (sns, sname) => memory.freshest(sources.get(sns, sname)),
              listed: () => sourcesListed,
            },
            cluster: {
              kube,
              live: lookupLive,
              knownAbsent: (o) =>
                watchedKinds.has(`${o.apiVersion}|${o.kind}`) && lookupLive(o) === undefined,
              watchKinds: async (kinds) => {
                await Promise.all(
                  kinds.map(async (k) => {
                    const watched = await live.ensureKind(k.apiVersion, k.kind);
                    if (watched.ok) watchedKinds.add(`${k.apiVersion}|${k.kind}`);
                  }),
                );
              },
            },
            memory: {
              applied: (syncKey, o) => desiredBySync.get(syncKey)?.get(objectKey(objectIdOf(o))),
              remember: (syncKey, desired) =>
                desiredBySync.set(
                  syncKey,
                  new Map(desired.map((o) => [objectKey(objectIdOf(o)), o])),
                ),
              jobsSeen: (syncKey) => jobsSeen.of(syncKey),
            },
            render: {
              resolveKind: (apiVersion, k, sig) => kube.resolveKind(apiVersion, k, sig),
              cache: renderCache,
              scopes: kindScopes,
              kustomize: opts.kustomize,
              memos: parseMemos,
            },
            report: {
              events,
              announce: (event) =>
                feedback.notifier.publish({ ...event, cluster: opts.clusterName }),
              observeConverged: (syncKey, revision) => {
                const seconds = commits.converged(syncKey, revision, Date.now());
                const [sns, sname] = splitKey(syncKey);
                if (seconds !== undefined)
                  metrics.observeCommitToConverged({ namespace: sns, sync: sname, seconds });
              },
              observeObjects: (syncKey, inSync, drifted) => {
                const [sns, sname] = splitKey(syncKey);
                metrics.setObjects({ namespace: sns, sync: sname, inSync, drifted });
              },
              requeue: (k, ms) => syncQueue.addAfter(k, ms),
            },
          },
          s,
        );
      }),
    ),
  });

  const sourceRefOf = (sync: KubeObject): string => {
    const ref = (sync.spec as { sourceRef?: { name?: string; namespace?: string } } | undefined)
      ?.sourceRef;
    return `${ref?.namespace ?? sync.metadata.namespace ?? ''}/${ref?.name ?? ''}`;
  };
  const wakeSyncsOf = (namespace: string, name: string): void => {
    for (const sync of syncs.list())
      if (sourceRefOf(sync) === `${namespace}/${name}`) syncQueue.add(keyOf(sync));
  };
  const wakeDependents = (obj: KubeObject): void => {
    for (const sync of syncs.list()) {
      const deps =
        (sync.spec as { dependsOn?: { name: string; namespace?: string }[] } | undefined)
          ?.dependsOn ?? [];
      if (
        deps.some((d) => `${d.namespace ?? sync.metadata.namespace ?? ''}/${d.name}` === keyOf(obj))
      )
        syncQueue.add(keyOf(sync));
    }
  };
  const readyOf = (obj: KubeObject | undefined): string =>
    JSON.stringify(
      (
        (obj?.status as { conditions?: { type: string; status: string }[] } | undefined)
          ?.conditions ?? []
      ).find((c) => c.type === 'Ready')?.status,
    );

  // Drift: a managed object changed or vanished and no longer matches what its Sync applied.
  live.onChange((obj, type) => {
    const labels = obj.metadata.labels ?? {};
    const syncKey = `${labels[Labels.syncNamespace] ?? ''}/${labels[Labels.syncName] ?? ''}`;
    // The last state of a finished Job, kept for when its TTL removes it.
    if (ttlFinishOf(obj)) jobsSeen.remember(syncKey, obj);
    const desired = desiredBySync.get(syncKey)?.get(objectKey(objectIdOf(obj)));
    if (!desired) return;
    const [sns, sname] = splitKey(syncKey);
    const sync = memory.freshest(syncs.get(sns, sname));
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
      syncQueue.add(syncKey);
  });

  const sources = startInformer({
    kube,
    apiVersion: API_GROUP_VERSION,
    kind: Kinds.GitRepository,
    ...scope,
    signal,
    logger,
    onChange: (type, obj, old) => {
      if (type === 'deleted' || needsReconcile(type, obj, old)) sourceQueue.add(keyOf(obj));
    },
  });
  let sourcesListed = false;
  void sources.synced.then(() => (sourcesListed = true));
  // Syncs reconcile only once the artifacts published before this process are known again.
  const restored = sources.synced
    .then(() => restoreArtifacts(sources.list(), store, artifacts))
    .then(
      (n) => logger.info({ artifacts: n }, 'artifacts restored from the store'),
      (error: unknown) => logger.warn({ err: String(error) }, 'artifacts not restored'),
    );
  const syncs = startInformer({
    kube,
    apiVersion: API_GROUP_VERSION,
    kind: Kinds.Sync,
    ...scope,
    signal,
    logger,
    onChange: (type, obj, old) => {
      if (type !== 'deleted' && needsReconcile(type, obj, old)) syncQueue.add(keyOf(obj));
      if (type === 'deleted') syncQueue.add(keyOf(obj));
      if (
        type === 'deleted' ||
        readyOf(obj) !== readyOf(old) ||
        obj.metadata.generation !== old?.metadata.generation
      )
        wakeDependents(obj);
    },
  });
  const feedback = startFeedback({
    kube,
    git,
    clock: systemClock,
    logger,
    metrics,
    clusterName: opts.clusterName,
    namespace: opts.namespace,
    signal,
    readSecret: (ns, name, sig) => readSecret(kube, ns, name, sig),
    sources,
    whenLeading: (sig) => leadership.whenLeading(sig),
  });
  let ready = false;
  const http = listener
    ? listener.serve(
        createServerApp({
          logger,
          metrics,
          ready: () => ready,
          findReceiver: (path) => feedback.findReceiver(path),
          onReceive: (receiver, resources) => {
            for (const r of resources)
              if (r.kind === Kinds.GitRepository) sourceQueue.add(`${r.namespace}/${r.name}`);
            logger.info(
              { receiver: `${receiver.namespace}/${receiver.name}`, resources: resources.length },
              'push received',
            );
          },
        }),
      )
    : undefined;
  await Promise.all([sources.synced, syncs.synced, feedback.synced, restored]);
  ready = true;
  logger.info(
    {
      namespace: opts.namespace ?? '(all)',
      storage,
      http: http?.address,
      kustomize: opts.kustomize.path ?? '(none)',
    },
    'operator started',
  );

  await new Promise<void>((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  logger.info('operator stopping');
  await Promise.all([
    sourceQueue.done,
    syncQueue.done,
    sources.done,
    syncs.done,
    feedback.done,
    live.stopped(),
  ]);
  await events.flush().catch(() => undefined);
  await leadership.release();
  await http?.close();
  if (leadership.lost.aborted) throw leadership.lost.reason as Error;
}
