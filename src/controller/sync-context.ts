/** What the Sync reconciler's steps share: its dependencies, the context of one reconcile, failure. */
import { parseDuration, type Sync } from '../api/index.ts';
import {
  Annotations,
  ConditionStatuses,
  ConditionTypes,
  removeCondition,
  type KubeObject,
} from '../core/index.ts';
import type { KubeClient } from '../kube/index.ts';
import type { EventInput } from '../notify/index.ts';
import { backoffDelay, type Random } from './backoff.ts';
import type { EventRecorder } from './events.ts';
import type { ArtifactRegistry } from './git-repositories.ts';
import type { KustomizeSettings, ParseMemo } from '../render/index.ts';
import type { KindScopes, RenderCache } from './render-desired.ts';
import { writeStatus } from './status.ts';
import { readyFalse, setConditions, withoutReconciling, type SyncStatus } from './sync-status.ts';
import { ReconcileOutcomes, type Clock, type Logger } from './types.ts';

/** The live object as the watch-fed cache holds it (undefined: not cached). */
export type LiveLookup = (obj: KubeObject) => KubeObject | undefined;

export type SyncReconcilerDeps = {
  readonly kube: KubeClient;
  readonly artifacts: ArtifactRegistry;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly events: EventRecorder;
  readonly kustomize: KustomizeSettings;
  readonly concurrency: number;
  readonly renderCache: RenderCache;
  readonly parseMemos: Map<string, ParseMemo>;
  readonly kindScopes: KindScopes;
  readonly requeue: (key: string, delayMs: number) => void;
  readonly lookupSync: (namespace: string, name: string) => KubeObject | undefined;
  /** The GitRepository as the informer holds it (undefined: absent, or not yet listed). */
  readonly lookupSource: (namespace: string, name: string) => KubeObject | undefined;
  /** True once the GitRepository informer has listed: an absent source then does not exist. */
  readonly sourcesListed: () => boolean;
  /** The revision a GitRepository's status says it published (this process may not hold it yet). */
  readonly publishedRevision: (namespace: string, name: string) => string | undefined;
  /** Starts watching these kinds (once each) so `live` can answer for them. */
  readonly watchKinds: (kinds: readonly { apiVersion: string; kind: string }[]) => Promise<void>;
  readonly live: LiveLookup;
  /** True when the kind is watched and no Moor-labelled object of that name exists. */
  readonly knownAbsent: (obj: KubeObject) => boolean;
  /** An object as the Sync's last applied revision rendered it (undefined: not known). */
  readonly appliedDesired: (syncKey: string, obj: KubeObject) => KubeObject | undefined;
  /** Last states of the Sync's finished Jobs with a TTL, as the live cache saw them. */
  readonly jobsSeen: (syncKey: string) => readonly KubeObject[];
  /** The desired objects of a Sync's applied revision, for drift seen between reconciles. */
  readonly rememberDesired: (syncKey: string, desired: readonly KubeObject[]) => void;
  /** Feedback for Alerts and Providers; never blocks. */
  readonly announce: (event: EventInput) => void;
  /** A Sync converged on a revision (for the commit-to-converged metric). */
  readonly observeConverged: (syncKey: string, revision: string) => void;
  readonly observeObjects: (syncKey: string, inSync: number, drifted: number) => void;
};

export type Ctx = {
  readonly obj: KubeObject;
  readonly sync: Sync;
  readonly key: string;
  readonly status: SyncStatus;
  readonly now: Date;
  readonly deps: SyncReconcilerDeps;
  readonly signal: AbortSignal;
  readonly failures: Map<string, number>;
  readonly log: Logger;
};

export const about = (ctx: Ctx) => ({
  apiVersion: ctx.obj.apiVersion,
  kind: ctx.obj.kind,
  namespace: ctx.sync.metadata.namespace ?? '',
  name: ctx.sync.metadata.name,
  uid: ctx.obj.metadata.uid,
});

export const sourceOf = (ctx: Ctx) => ({
  kind: 'Sync' as const,
  namespace: ctx.sync.metadata.namespace ?? '',
  name: ctx.sync.metadata.name,
});

export function baseStatus(ctx: Ctx): SyncStatus {
  const requested = ctx.sync.metadata.annotations?.[Annotations.reconcileRequestedAt];
  return {
    ...ctx.status,
    observedGeneration: ctx.sync.metadata.generation,
    ...(requested ? { lastHandledReconcileAt: requested } : {}),
  };
}

export function retryDelay(ctx: Ctx): number {
  const n = (ctx.failures.get(ctx.key) ?? 0) + 1;
  ctx.failures.set(ctx.key, n);
  const interval = parseDuration(ctx.sync.spec.interval);
  const retry = ctx.sync.spec.retryInterval ? parseDuration(ctx.sync.spec.retryInterval) : interval;
  return backoffDelay(n, 1000, retry);
}

export type FailOptions = {
  readonly extra?: Partial<SyncStatus>;
  readonly stalled?: boolean;
  /** Further conditions to set (InSync when objects are known to be missing). */
  readonly conditions?: readonly Parameters<typeof setConditions>[1][number][];
  /** Sent to Alerts the first time this failure is seen. */
  readonly announce?: Pick<EventInput, 'event' | 'revision' | 'objects'>;
};

/**
 * A reconcile cut short by the operator stopping (its signal aborted) is no failure of the Sync:
 * whatever it saw (an aborted read, a health wait cut short) says nothing about the Sync. It
 * writes no status and no event, announces nothing and is not requeued; the next run redoes it.
 */
export function abandon(ctx: Ctx): typeof ReconcileOutcomes.abandoned {
  ctx.log.info('reconcile abandoned: the operator is stopping');
  return ReconcileOutcomes.abandoned;
}

/**
 * A failure before or during apply: Ready=False with the reason, retry with backoff; `Stalled`
 * only while the failure says retrying will not help.
 */
export async function fail(
  ctx: Ctx,
  reason: string,
  message: string,
  opts: FailOptions = {},
): Promise<'failure' | 'abandoned'> {
  if (ctx.signal.aborted) return abandon(ctx);
  const previous = ctx.status.conditions?.find((c) => c.type === ConditionTypes.Ready);
  const repeated =
    previous?.status === ConditionStatuses.False &&
    previous.reason === reason &&
    previous.message === message;
  // The failure is now, however long the reconcile took to reach it.
  const at = ctx.deps.clock.now();
  let conditions = withoutReconciling(
    setConditions(
      ctx.status.conditions,
      [readyFalse(reason, message), ...(opts.conditions ?? [])],
      ctx.sync.metadata.generation,
      at,
    ),
  );
  conditions = opts.stalled
    ? setConditions(
        conditions,
        [{ type: ConditionTypes.Stalled, status: ConditionStatuses.True, reason, message }],
        ctx.sync.metadata.generation,
        at,
      )
    : removeCondition(conditions, ConditionTypes.Stalled);
  const res = await writeStatus(
    ctx.deps.kube,
    ctx.obj,
    { ...baseStatus(ctx), ...opts.extra, conditions },
    ctx.signal,
  );
  if (res.error) ctx.log.warn({ err: res.error }, 'status not written');
  if (!repeated) {
    ctx.log.warn({ reason }, message);
    ctx.deps.events.record(about(ctx), 'Warning', reason, message);
    if (opts.announce) ctx.deps.announce({ ...opts.announce, source: sourceOf(ctx), message });
  }
  ctx.deps.requeue(ctx.key, retryDelay(ctx));
  return 'failure';
}
