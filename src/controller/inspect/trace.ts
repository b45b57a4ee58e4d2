/**
 * Which Sync applied an object, from which source and revision, and when: the Sync whose inventory
 * lists it (its labels say the same), the Sync's GitRepository, its last applied revision, and the
 * time of the object's last apply by the field manager `moor` (from managedFields).
 */
import { parseSync, type InventoryEntry, type Sync } from '../../api/index.ts';
import {
  API_GROUP_VERSION,
  err,
  FIELD_MANAGER,
  formatApiVersion,
  Kinds,
  Labels,
  ok,
  type KubeObject,
  type ObjectId,
  type Result,
} from '../../core/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import { PreviewError, PreviewErrorCodes } from '../preview/errors.ts';

export type Trace = {
  readonly object: ObjectId & { readonly apiVersion: string };
  readonly sync: { readonly namespace: string; readonly name: string };
  readonly source: {
    readonly kind: string;
    readonly namespace: string;
    readonly name: string;
    readonly url?: string;
    readonly revision?: string;
  };
  /** The revision the Sync last applied (what this object is from). */
  readonly revision?: string;
  /** When `moor` last applied the object (its managedFields entry), if live. */
  readonly appliedAt?: string;
  /** Whether the object exists live, and whether its labels name the same Sync. */
  readonly live: boolean;
  readonly labelsAgree: boolean;
  /** `InSync`, `Deleted`, or the drifted field paths. */
  readonly drift: string;
};

/** `deployment/web`, `Deployment.apps/web`, `configmap/x`: kind (optionally `.group`) and name. */
export type TraceQuery = {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
};

export function parseTraceQuery(text: string, namespace: string): TraceQuery | undefined {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) return undefined;
  return { kind: text.slice(0, slash), name: text.slice(slash + 1), namespace };
}

/** Whether an inventory entry is the object `q` names (kind case-insensitive, `kind.group` too). */
export function entryMatches(e: InventoryEntry, q: TraceQuery): boolean {
  const want = q.kind.toLowerCase();
  const kinds = [e.kind.toLowerCase(), `${e.kind}.${e.group}`.toLowerCase()];
  return (
    kinds.includes(want) && e.name === q.name && (e.namespace === '' || e.namespace === q.namespace)
  );
}

const fail = (
  code: (typeof PreviewErrorCodes)[keyof typeof PreviewErrorCodes],
  subject: string,
  message: string,
) => err(new PreviewError(code, message, { subject }));

function appliedAtOf(obj: KubeObject | undefined): string | undefined {
  const entries = obj?.metadata.managedFields ?? [];
  return entries.find(
    (m) => m.manager === FIELD_MANAGER && m.operation === 'Apply' && !m.subresource,
  )?.time;
}

function driftOf(sync: Sync, e: InventoryEntry): string {
  const d = (sync.status?.drift?.objects ?? []).find(
    (o) =>
      o.group === e.group && o.kind === e.kind && o.namespace === e.namespace && o.name === e.name,
  );
  if (!d) return 'InSync';
  return d.deleted ? 'Deleted' : (d.fields ?? []).map((f) => f.path).join(', ');
}

async function findEntry(
  kube: KubeClient,
  q: TraceQuery,
  signal: AbortSignal,
): Promise<Result<{ sync: Sync; entry: InventoryEntry } | undefined, PreviewError>> {
  const syncs = await kube.list(API_GROUP_VERSION, Kinds.Sync, {}, signal);
  if (!syncs.ok) return fail(PreviewErrorCodes.apiFailed, 'Syncs', syncs.error.message);
  for (const item of syncs.value.items) {
    const parsed = parseSync(item);
    if (!parsed.ok) continue;
    const entry = (parsed.value.status?.inventory?.entries ?? []).find((e) => entryMatches(e, q));
    if (entry) return ok({ sync: parsed.value, entry });
  }
  return ok(undefined);
}

async function sourceOf(
  kube: KubeClient,
  sync: Sync,
  signal: AbortSignal,
): Promise<Trace['source']> {
  const namespace = sync.spec.sourceRef.namespace ?? sync.metadata.namespace ?? '';
  const name = sync.spec.sourceRef.name;
  const got = await kube.get(
    { apiVersion: API_GROUP_VERSION, kind: Kinds.GitRepository, namespace, name },
    signal,
  );
  const obj = got.ok ? got.value : undefined;
  const url = (obj?.spec as { url?: string } | undefined)?.url;
  const revision = (obj?.status as { artifact?: { revision?: string } } | undefined)?.artifact
    ?.revision;
  return {
    kind: Kinds.GitRepository,
    namespace,
    name,
    ...(url ? { url } : {}),
    ...(revision ? { revision } : {}),
  };
}

function labelsAgree(live: KubeObject | undefined, sync: Trace['sync']): boolean {
  const labels = live?.metadata.labels ?? {};
  return labels[Labels.syncName] === sync.name && labels[Labels.syncNamespace] === sync.namespace;
}

/** Traces the object `q` names back to its Sync, source and revision. */
export async function traceObject(
  kube: KubeClient,
  q: TraceQuery,
  signal: AbortSignal,
): Promise<Result<Trace, PreviewError>> {
  const subject = `${q.kind}/${q.name} in namespace ${q.namespace}`;
  const found = await findEntry(kube, q, signal);
  if (!found.ok) return found;
  if (!found.value) {
    const message = `${subject} is not in the inventory of any Sync (not applied by Moor)`;
    return fail(PreviewErrorCodes.notFound, subject, message);
  }
  const { sync, entry } = found.value;
  const apiVersion = formatApiVersion(entry.group, entry.version);
  const { version: _version, ...id } = entry;
  const ref = { apiVersion, kind: entry.kind, namespace: entry.namespace, name: entry.name };
  const got = await kube.get(ref, signal);
  const live = got.ok ? got.value : undefined;
  const owner = { namespace: sync.metadata.namespace ?? '', name: sync.metadata.name ?? '' };
  const appliedAt = appliedAtOf(live);
  const revision = sync.status?.lastAppliedRevision;
  return ok({
    object: { ...id, apiVersion },
    sync: owner,
    source: await sourceOf(kube, sync, signal),
    ...(revision ? { revision } : {}),
    ...(appliedAt ? { appliedAt } : {}),
    live: live !== undefined,
    labelsAgree: labelsAgree(live, owner),
    drift: driftOf(sync, entry),
  });
}
