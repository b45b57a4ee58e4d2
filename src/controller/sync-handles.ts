/**
 * What the Sync reconciler is handed, built from the operator's parts: the sources, the cluster
 * as the live cache sees it, what is remembered of each applied revision, render's caches, and
 * where decisions are reported.
 */
import { type KubeObject, kindKey, splitNameKey } from '../core/index.ts';
import type { KubeClient, LiveChangeType } from '../kube/index.ts';
import type { EventInput } from '../notify/index.ts';
import type { HelmSettings, KustomizeSettings, ParseMemo } from '../render/index.ts';
import type { Metrics } from '../server/index.ts';
import { createChartCaches } from './chart-caches.ts';
import type { HelmCharts } from '../source/index.ts';
import { watchedGet, type RenderInputsWatch } from './render-inputs-watch.ts';
import type { ArtifactIndex } from './artifact-registry.ts';
import type { CommitClock } from './commit-clock.ts';
import { createDesiredIndex, type DesiredIndex } from './desired-index.ts';
import { createHistoryMemo, type HistoryMemo } from './history/memo.ts';
import type { EventMemory, EventRecorder } from './events.ts';
import type { OtherOperators } from './other-operators.ts';
import { rememberJobsSeen, type JobsSeen } from './jobs-seen.ts';
import type { StatusMemory } from './status-memory.ts';
import type { KindScopes, LastApply, RenderCache, SyncReconcilerDeps } from './sync/index.ts';
import type { Clock, Logger } from './types.ts';
import type { Sources } from './wire-sources.ts';

/** The live cache as the Sync side uses it. */
export type LiveView = {
  get(apiVersion: string, kind: string, namespace: string, name: string): KubeObject | undefined;
  ensureKind(apiVersion: string, kind: string): Promise<{ ok: boolean }>;
  onChange(listener: (obj: KubeObject, type: LiveChangeType) => void): () => void;
};

/** What each Sync is remembered by between reconciles; all forgotten when the Sync is deleted. */
export type SyncMemory = {
  readonly desired: DesiredIndex;
  readonly jobsSeen: JobsSeen;
  readonly parseMemos: Map<string, ParseMemo>;
  /** Rendered revisions, per (digest, path, target namespace, Sync); bounded. */
  readonly rendered: RenderCache;
  readonly failures: Map<string, number>;
  readonly commits: CommitClock;
  readonly lastApplies: Map<string, LastApply>;
  /** The SyncHistory last written per Sync, to update it without reading it; bounded. */
  readonly histories: HistoryMemo;
};

export function rememberSyncs(commits: CommitClock): SyncMemory {
  const [desired, jobsSeen] = [createDesiredIndex(), rememberJobsSeen()];
  const parseMemos = new Map<string, ParseMemo>();
  const rendered: RenderCache = new Map();
  const failures = new Map<string, number>();
  const lastApplies = new Map<string, LastApply>();
  const histories = createHistoryMemo();
  return { desired, jobsSeen, parseMemos, rendered, failures, commits, lastApplies, histories };
}

export type SyncWiring = {
  readonly kube: KubeClient;
  readonly memory: StatusMemory;
  readonly live: LiveView;
  readonly registry: ArtifactIndex;
  readonly remembered: SyncMemory;
  readonly events: EventRecorder & EventMemory;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly clock: Clock;
  /** API requests one Sync's apply keeps in flight. */
  readonly applyConcurrency: number;
  readonly kustomize: KustomizeSettings;
  readonly helm?: HelmSettings | undefined;
  readonly announce: (event: EventInput) => void;
  /** Other operators seen writing Syncs (ADR 0018). */
  readonly others: OtherOperators;
  /** `--shard`: the live cache holds only this shard's objects (ADR 0032). */
  readonly shard?: string | undefined;
  /** The chart caches the renders read (shared with the HelmRepository reconciler). */
  readonly charts?: HelmCharts;
};

/** The cluster as a reconcile sees it: the client, and the live cache of what was applied. */
function clusterHandles(w: SyncWiring): SyncReconcilerDeps['cluster'] {
  const lookupLive = (o: KubeObject): KubeObject | undefined =>
    w.live.get(o.apiVersion, o.kind, o.metadata.namespace ?? '', o.metadata.name ?? '');
  const watchedKinds = new Set<string>();
  // A sharded cache lacks other shards' objects: absent from it is not absent (ADR 0032).
  const whole = w.shard === undefined;
  return {
    kube: w.kube,
    operatorId: w.others.self,
    live: lookupLive,
    knownAbsent: (o) => whole && watchedKinds.has(kindKey(o.apiVersion, o.kind)) && !lookupLive(o),
    watchKinds: async (kinds) => {
      await Promise.all(
        kinds.map(async (k) => {
          const watched = await w.live.ensureKind(k.apiVersion, k.kind);
          if (watched.ok) watchedKinds.add(kindKey(k.apiVersion, k.kind));
        }),
      );
    },
  };
}

export function syncHandles(
  w: SyncWiring & { readonly signal?: AbortSignal },
  sources: Sources,
  lookupSync: (namespace: string, name: string) => KubeObject | undefined,
  requeue: (key: string, delayMs: number) => void,
  inputs?: Pick<RenderInputsWatch, 'lookup'>,
): SyncReconcilerDeps {
  const { kube, memory, remembered, metrics } = w;
  const lookupSource = (ns: string, name: string) =>
    memory.freshest(sources.informer.get(ns, name));
  const kindScopes: KindScopes = new Map();
  return {
    clock: w.clock,
    random: Math.random,
    logger: w.logger,
    concurrency: w.applyConcurrency,
    failures: remembered.failures,
    lastApplies: remembered.lastApplies,
    histories: remembered.histories,
    lookupSync,
    sources: {
      artifact: (ns, name) => w.registry.artifact(ns, name),
      published: (ns, name) =>
        (lookupSource(ns, name)?.status as { artifact?: { revision?: string } } | undefined)
          ?.artifact?.revision,
      lookup: lookupSource,
      listed: () => sources.listed(),
      revision: sources.revision,
    },
    shard: w.shard,
    yielding: (key) => w.others.yielding(key),
    cluster: clusterHandles(w),
    memory: {
      applied: (syncKey, o) => remembered.desired.get(syncKey, o),
      remember: (syncKey, desired) => remembered.desired.remember(syncKey, desired),
      jobsSeen: (syncKey) => remembered.jobsSeen.of(syncKey),
    },
    render: {
      resolveKind: (apiVersion, kind, signal) => kube.resolveKind(apiVersion, kind, signal),
      cache: remembered.rendered,
      scopes: kindScopes,
      kustomize: w.kustomize,
      memos: remembered.parseMemos,
      helm: w.helm ?? { path: undefined },
      get: watchedGet(kube, inputs),
      charts: w.charts ?? createChartCaches(w, w.signal),
    },
    report: {
      events: w.events,
      announce: w.announce,
      observeConverged: (syncKey, revision) => {
        const seconds = remembered.commits.converged(syncKey, revision, w.clock.monotonic());
        const [namespace, sync] = splitNameKey(syncKey);
        if (seconds !== undefined) metrics.observeCommitToConverged({ namespace, sync, seconds });
      },
      observeObjects: (syncKey, inSync, drifted) => {
        const [namespace, sync] = splitNameKey(syncKey);
        metrics.setObjects({ namespace, sync, inSync, drifted });
      },
      requeue,
    },
  };
}
