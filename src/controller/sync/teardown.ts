/**
 * Deleting a Sync (ADR 0026): one pass over its inventory in teardown order. Each wave's objects
 * are deleted (or, for `Orphan`, stripped of the `moor.dev/sync-*` labels), then waited for, a
 * bounded slice at a time; a wave still present ends the pass, and the next pass (after a requeue,
 * or after a restart: all state is in the cluster) picks up where it stopped.
 */
import pLimit from 'p-limit';
import { DeletionPolicies, type DeletionPolicy } from '../../api/index.ts';
import { pollUntil } from '../../apply/index.ts';
import {
  Annotations,
  formatApiVersion,
  formatObjectId,
  Labels,
  type Clock,
  type KubeObject,
} from '../../core/index.ts';
import type { KubeClient, ObjectRef } from '../../kube/index.ts';
import { planTeardown, type InventoryEntry } from '../../plan/index.ts';

export type TeardownRequest = {
  readonly entries: readonly InventoryEntry[];
  readonly owner: { readonly name: string; readonly namespace: string };
  readonly policy: DeletionPolicy;
  /** How long this pass waits for one wave to go before it ends (and is requeued). */
  readonly sliceMs: number;
};

export type TeardownHandles = {
  readonly kube: KubeClient;
  readonly clock: Pick<Clock, 'monotonic' | 'sleep'>;
  readonly concurrency: number;
};

/** An object still present at the end of a pass, with what holds it. */
export type Remaining = { readonly id: string; readonly finalizers: readonly string[] };

export type TeardownPass = {
  readonly deleted: number;
  readonly orphaned: number;
  /** Owned by another Sync or by nobody: not touched. */
  readonly left: number;
  /** Still present after the wait (being deleted, held by a finalizer). */
  readonly remaining: readonly Remaining[];
  /** Requests that failed (Forbidden, say), each naming its object. */
  readonly failures: readonly string[];
};

type Settled =
  | { readonly state: 'gone' | 'deleted' | 'orphaned' | 'left' }
  | { readonly state: 'deleting'; readonly ref: ObjectRef; readonly id: string }
  | { readonly state: 'failed'; readonly message: string };

const refOfEntry = (e: InventoryEntry): ObjectRef => ({
  apiVersion: formatApiVersion(e.group, e.version),
  kind: e.kind,
  name: e.name,
  ...(e.namespace ? { namespace: e.namespace } : {}),
});

function ownedBy(live: KubeObject, owner: TeardownRequest['owner']): boolean {
  const labels = live.metadata.labels ?? {};
  return labels[Labels.syncName] === owner.name && labels[Labels.syncNamespace] === owner.namespace;
}

/** Removes the labels that say a Sync owns the object; the object stays. */
async function unlabel(kube: KubeClient, ref: ObjectRef, id: string, signal: AbortSignal) {
  const labels = { [Labels.syncName]: null, [Labels.syncNamespace]: null };
  const res = await kube.mergePatch(ref, { metadata: { labels } }, signal);
  if (res.ok || res.error.code === 'NotFound') return { state: 'orphaned' as const };
  return { state: 'failed' as const, message: `${id}: ${res.error.message}` };
}

async function settleOne(
  e: InventoryEntry,
  req: TeardownRequest,
  kube: KubeClient,
  signal: AbortSignal,
): Promise<Settled> {
  const ref = refOfEntry(e);
  const id = formatObjectId(e);
  const got = await kube.get(ref, signal);
  if (!got.ok) {
    if (got.error.code === 'UnknownKind') return { state: 'gone' };
    return { state: 'failed', message: `${id}: ${got.error.message}` };
  }
  const live = got.value;
  if (!live) return { state: 'gone' };
  if (!ownedBy(live, req.owner)) return { state: 'left' };
  const keep = live.metadata.annotations?.[Annotations.prune] === 'disabled';
  if (req.policy === DeletionPolicies.Orphan || keep) return unlabel(kube, ref, id, signal);
  if (live.metadata.deletionTimestamp !== undefined) return { state: 'deleting', ref, id };
  const uid = live.metadata.uid;
  const opts = {
    propagationPolicy: 'Background' as const,
    ...(uid ? { preconditionUid: uid } : {}),
  };
  const deleted = await kube.delete(ref, opts, signal);
  if (!deleted.ok) {
    if (deleted.error.code === 'Conflict') return { state: 'gone' }; // replaced: not ours any more
    return { state: 'failed', message: `${id}: ${deleted.error.message}` };
  }
  return deleted.value === 'notFound' ? { state: 'gone' } : { state: 'deleting', ref, id };
}

/** Waits (one slice) for the objects being deleted; what is still there, with its finalizers. */
async function awaitGone(
  pending: readonly { ref: ObjectRef; id: string }[],
  req: TeardownRequest,
  h: TeardownHandles,
  signal: AbortSignal,
): Promise<Remaining[]> {
  const limit = pLimit(h.concurrency);
  let left = [...pending];
  const present = new Map<string, readonly string[]>();
  await pollUntil(
    async () => {
      const still = await Promise.all(
        left.map((p) =>
          limit(async () => {
            const got = await h.kube.get(p.ref, signal);
            if (got.ok && got.value) present.set(p.id, got.value.metadata.finalizers ?? []);
            return !got.ok || got.value !== undefined;
          }),
        ),
      );
      left = left.filter((_, i) => still[i]);
      return left.length === 0;
    },
    { timeoutMs: req.sliceMs, intervalMs: 1000, signal, clock: h.clock },
  );
  return left.map((p) => ({ id: p.id, finalizers: present.get(p.id) ?? [] }));
}

/** One pass: the waves in order, each waited for before the next; stops at the first not gone. */
export async function tearDown(
  req: TeardownRequest,
  h: TeardownHandles,
  signal: AbortSignal,
): Promise<TeardownPass> {
  const limit = pLimit(h.concurrency);
  const counts = { deleted: 0, orphaned: 0, left: 0 };
  const failures: string[] = [];
  for (const wave of planTeardown(req.entries)) {
    const settled = await Promise.all(
      wave.map((e) => limit(() => settleOne(e, req, h.kube, signal))),
    );
    const pending: { ref: ObjectRef; id: string }[] = [];
    for (const s of settled) {
      if (s.state === 'failed') failures.push(s.message);
      else if (s.state === 'deleting') pending.push(s);
      else if (s.state === 'orphaned') counts.orphaned++;
      else if (s.state === 'left') counts.left++;
    }
    const remaining = pending.length > 0 ? await awaitGone(pending, req, h, signal) : [];
    counts.deleted += pending.length - remaining.length;
    // A wave that failed or is not gone holds back the next: no Namespace before its contents.
    if (remaining.length > 0 || failures.length > 0) return { ...counts, remaining, failures };
  }
  return { ...counts, remaining: [], failures };
}
