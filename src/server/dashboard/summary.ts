/** Rows of the overview from the cached GitRepositories and Syncs (pure). */
import type { KubeObject } from '../../core/index.ts';
import type { EventRow, HistoryRow, SourceSummary, SyncSummary, Tri } from './types.ts';

type Condition = {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
};

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function conditionsOf(obj: KubeObject): Condition[] {
  const list = record(obj.status).conditions;
  if (!Array.isArray(list)) return [];
  return list.map((c) => {
    const r = record(c);
    return {
      type: text(r.type),
      status: text(r.status),
      reason: text(r.reason),
      message: text(r.message),
      lastTransitionTime: text(r.lastTransitionTime),
    };
  });
}

function triOf(conditions: readonly Condition[], type: string): Tri {
  const status = conditions.find((c) => c.type === type)?.status;
  return status === 'True' || status === 'False' ? status : 'Unknown';
}

/** `main@sha1:0123…` → `0123456`; '' when there is no sha. */
export function shortRevision(revision: string): string {
  const at = revision.lastIndexOf(':');
  const sha = at >= 0 ? revision.slice(at + 1) : revision;
  return /^[0-9a-f]{7,}$/.test(sha) ? sha.slice(0, 7) : revision.slice(0, 20);
}

function createdAt(obj: KubeObject): string {
  return text(obj.metadata.creationTimestamp);
}

export function summarizeSource(obj: KubeObject): SourceSummary {
  const spec = record(obj.spec);
  const status = record(obj.status);
  const artifact = record(status.artifact);
  const conditions = conditionsOf(obj);
  const ready = conditions.find((c) => c.type === 'Ready');
  const revision = text(artifact.revision);
  return {
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
    url: text(spec.url),
    ready: triOf(conditions, 'Ready'),
    suspended: spec.suspend === true,
    revision: shortRevision(revision),
    revisionFull: revision,
    message: ready?.message ?? '',
    since: text(artifact.lastUpdateTime) || createdAt(obj),
  };
}

export function summarizeSync(obj: KubeObject): SyncSummary {
  const spec = record(obj.spec);
  const status = record(obj.status);
  const sourceRef = record(spec.sourceRef);
  const namespace = obj.metadata.namespace ?? '';
  const conditions = conditionsOf(obj);
  const ready = conditions.find((c) => c.type === 'Ready');
  const revision = text(status.lastAppliedRevision) || text(status.lastAttemptedRevision);
  const drifted = record(status.drift).objects;
  const entries = record(status.inventory).entries;
  return {
    namespace,
    name: obj.metadata.name ?? '',
    source: `${text(sourceRef.kind) || 'GitRepository'}/${text(sourceRef.namespace) || namespace}/${text(sourceRef.name)}`,
    path: text(spec.path),
    ready: triOf(conditions, 'Ready'),
    inSync: triOf(conditions, 'InSync'),
    healthy: triOf(conditions, 'Healthy'),
    reconciling: triOf(conditions, 'Reconciling') === 'True',
    suspended: spec.suspend === true,
    driftMode: text(record(spec.drift).mode) || 'Correct',
    revision: shortRevision(revision),
    revisionFull: revision,
    message: ready?.message ?? '',
    since: ready?.lastTransitionTime || createdAt(obj),
    driftCount: Array.isArray(drifted) ? drifted.length : 0,
    objectCount: Array.isArray(entries) ? entries.length : 0,
    pinned: text(record(spec.pin).revision),
  };
}

/** A core/v1 Event as the events view shows it. */
export function eventRowOf(event: KubeObject): EventRow {
  const involved = record(event.involvedObject);
  const namespace = text(involved.namespace) || (event.metadata.namespace ?? '');
  const time =
    text(event.lastTimestamp) || text(event.eventTime) || text(event.firstTimestamp) || '';
  return {
    time,
    type: text(event.type) || 'Normal',
    reason: text(event.reason),
    message: text(event.message),
    subject: `${text(involved.kind)}/${namespace}/${text(involved.name)}`,
    namespace,
    count: typeof event.count === 'number' ? event.count : 1,
  };
}

function count(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/** The Sync's recent applies as the timeline shows them. */
export function historyOf(sync: KubeObject): HistoryRow[] {
  const list = record(sync.status).history;
  if (!Array.isArray(list)) return [];
  return list.map((entry) => {
    const h = record(entry);
    const revision = text(h.revision);
    return {
      revision: shortRevision(revision),
      revisionFull: revision,
      startedAt: text(h.startedAt),
      finishedAt: text(h.finishedAt),
      result: text(h.result),
      message: text(h.message),
      created: count(h.created),
      configured: count(h.configured),
      deleted: count(h.deleted),
      durationMs: typeof h.durationMs === 'number' ? h.durationMs : undefined,
    };
  });
}
