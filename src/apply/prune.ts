/** Deletes objects that left Git, only when this Sync owns them and they do not opt out. */
import pLimit from 'p-limit';
import { Annotations, formatObjectId, type KubeObject, formatApiVersion } from '../core/index.ts';
import type { KubeError } from '../kube/index.ts';
import type { ChangeEntry, InventoryEntry } from '../plan/index.ts';
import { conflictOwner } from './preflight.ts';
import type { ApplyDeps, ApplyRequest } from './types.ts';

const entry = (
  e: InventoryEntry,
  action: ChangeEntry['action'],
  message: string,
  error?: KubeError,
): ChangeEntry => ({
  id: { group: e.group, kind: e.kind, namespace: e.namespace, name: e.name },
  version: e.version,
  action,
  message,
  ...(error ? { error } : {}),
});

async function pruneOne(
  e: InventoryEntry,
  req: ApplyRequest,
  deps: ApplyDeps,
): Promise<ChangeEntry> {
  const apiVersion = formatApiVersion(e.group, e.version);
  const ref = {
    apiVersion,
    kind: e.kind,
    name: e.name,
    ...(e.namespace ? { namespace: e.namespace } : {}),
  };
  const name = formatObjectId({
    group: e.group,
    kind: e.kind,
    namespace: e.namespace,
    name: e.name,
  });
  const cached = deps.live?.({
    apiVersion,
    kind: e.kind,
    metadata: { name: e.name, namespace: e.namespace },
  });
  const got = cached ? { ok: true as const, value: cached } : await deps.kube.get(ref, deps.signal);
  if (!got.ok) {
    if (got.error.code === 'UnknownKind') return entry(e, 'skipped', `${name}: its kind is gone`);
    return entry(e, 'failed', `${name}: ${got.error.message}`, got.error);
  }
  const live: KubeObject | undefined = got.value;
  if (!live) return entry(e, 'skipped', `${name}: already gone`);
  if (conflictOwner(live, req.owner) || !live.metadata.labels) {
    return entry(e, 'skipped', `${name}: not owned by this Sync, left in place`);
  }
  if (live.metadata.annotations?.[Annotations.prune] === 'disabled') {
    return entry(e, 'skipped', `${name}: pruning disabled by annotation`);
  }
  const deleted = await deps.kube.delete(
    ref,
    {
      propagationPolicy: 'Background',
      ...(live.metadata.uid ? { preconditionUid: live.metadata.uid } : {}),
    },
    deps.signal,
  );
  if (!deleted.ok) return entry(e, 'failed', `${name}: ${deleted.error.message}`, deleted.error);
  return entry(e, 'deleted', `${name} deleted`);
}

export async function pruneObjects(req: ApplyRequest, deps: ApplyDeps): Promise<ChangeEntry[]> {
  const limit = pLimit(deps.concurrency);
  // Namespaces and CRDs last (the plan orders them so); within that order, delete in parallel.
  const late = (e: InventoryEntry): boolean =>
    e.kind === 'Namespace' || e.kind === 'CustomResourceDefinition';
  const first = req.prune.filter((e) => !late(e));
  const last = req.prune.filter(late);
  const a = await Promise.all(first.map((e) => limit(() => pruneOne(e, req, deps))));
  const b = await Promise.all(last.map((e) => limit(() => pruneOne(e, req, deps))));
  return [...a, ...b];
}
