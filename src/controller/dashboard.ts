/**
 * The dashboard's view of the operator (ADR 0027): it reads the informers' and the live cache's
 * objects (no request for the overview), hears of every change from them and from the event
 * recorder, and asks the API server's TokenReview and SubjectAccessReview through the client.
 */
import { API_GROUP_VERSION, Kinds } from '../api/index.ts';
import { err, ok, reconcileRequestPatch, type KubeObject } from '../core/index.ts';
import {
  reviewAccess,
  reviewToken,
  type ChangeType,
  type KubeClient,
  type LiveCache,
} from '../kube/index.ts';
import {
  eventRowOf,
  type DashboardActions,
  type DashboardChange,
  type DashboardData,
  type DashboardReviews,
  type EventRow,
} from '../server/index.ts';
import { objectTree } from './dashboard-tree.ts';
import type { EventRecorder } from './events.ts';
import type { Informer } from './informer.ts';
import type { Clock } from './types.ts';

export type DashboardHub = {
  /** Tells the dashboard's listeners about a change of a Sync or GitRepository. */
  observe(kind: 'Sync' | 'GitRepository'): (type: ChangeType, obj: KubeObject) => void;
  /** The recorder, telling the dashboard of each event it records. */
  tapEvents<R extends EventRecorder>(recorder: R): R;
  onChange(listener: (change: DashboardChange) => void): () => void;
};

export function createDashboardHub(clock: Pick<Clock, 'now'>): DashboardHub {
  const listeners = new Set<(change: DashboardChange) => void>();
  const emit = (change: DashboardChange): void => {
    for (const listener of listeners) listener(change);
  };
  return {
    observe: (kind) => (type, obj) =>
      emit({ kind, type: type === 'deleted' ? 'deleted' : 'upsert', obj }),
    tapEvents: <R extends EventRecorder>(recorder: R): R => {
      const record: EventRecorder['record'] = (about, type, reason, message, annotations) => {
        recorder.record(about, type, reason, message, annotations);
        if (listeners.size === 0) return;
        const row: EventRow = {
          time: clock.now().toISOString(),
          type,
          reason,
          message,
          subject: `${about.kind}/${about.namespace}/${about.name}`,
          namespace: about.namespace,
          count: 1,
        };
        emit({ kind: 'Event', row });
      };
      return { ...recorder, record };
    },
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const COMPONENT = 'moor';

function byTimeDesc(a: EventRow, b: EventRow): number {
  return b.time.localeCompare(a.time);
}

export function dashboardData(parts: {
  readonly kube: KubeClient;
  readonly live: Pick<LiveCache, 'get'>;
  readonly sources: Pick<Informer, 'list'>;
  readonly syncs: Pick<Informer, 'list' | 'get'>;
  readonly hub: DashboardHub;
  readonly clock: Pick<Clock, 'now'>;
  readonly actions: DashboardActions;
}): DashboardData {
  const { kube, live, hub, clock } = parts;
  return {
    actions: parts.actions,
    sources: () => parts.sources.list(),
    syncs: () => parts.syncs.list(),
    sync: (namespace, name) => parts.syncs.get(namespace, name),
    objects: (sync, signal) => objectTree(sync, { live, kube, now: clock.now() }, signal),
    object: async (sync, key, signal) => {
      const tree = await objectTree(sync, { live, kube, now: clock.now() }, signal);
      const node = tree.find(
        (n) => n.kind === key.kind && n.namespace === key.namespace && n.name === key.name,
      );
      if (node === undefined) return undefined;
      const cached = live.get(node.apiVersion, node.kind, node.namespace, node.name);
      if (cached) return cached;
      const got = await kube.get(node, signal);
      return got.ok ? got.value : undefined;
    },
    events: async (namespace, limit, signal) => {
      const listed = await kube.list('v1', 'Event', namespace ? { namespace } : {}, signal);
      if (!listed.ok) throw listed.error;
      const ours = listed.value.items.filter(
        (e) =>
          (e.source as { component?: string } | undefined)?.component === COMPONENT ||
          e.reportingComponent === COMPONENT,
      );
      return ours.map(eventRowOf).sort(byTimeDesc).slice(0, limit);
    },
    onChange: (listener) => hub.onChange(listener),
    resourceOf: async (apiVersion, kind, signal) => {
      const info = await kube.resolveKind(apiVersion, kind, signal);
      return info.ok ? { group: info.value.group, resource: info.value.resource } : undefined;
    },
    requestReconcile: async (namespace, name, signal) => {
      const ref = { apiVersion: API_GROUP_VERSION, kind: Kinds.Sync, namespace, name };
      const sync = parts.syncs.get(namespace, name);
      if (sync === undefined) return err(new Error(`Sync/${namespace}/${name} not found`));
      if ((sync.spec as { suspend?: boolean } | undefined)?.suspend === true)
        return err(new Error(`Sync/${namespace}/${name} is suspended: resume it first`));
      const patch = reconcileRequestPatch(clock.now());
      const patched = await kube.mergePatch(ref, patch, signal);
      if (!patched.ok) return err(patched.error);
      return ok(Object.values(patch.metadata.annotations)[0] ?? '');
    },
  };
}

/** TokenReview and SubjectAccessReview, asked with the operator's own client. */
export function dashboardReviews(kube: Pick<KubeClient, 'create'>): DashboardReviews {
  return {
    reviewToken: async (token, signal) => reviewToken(kube, token, signal),
    reviewAccess: async (who, question, signal) => reviewAccess(kube, who, question, signal),
  };
}
