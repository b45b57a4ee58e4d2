/**
 * Applying one revision: decide what drift to correct or leave per spec.drift.mode, record intent
 * (inventory first, ADR 0003), validate and apply through apply/, then assess health once. Returns
 * the outcome for `decide`; it neither decides nor reports the end of the reconcile.
 */
import type { Sync } from '../../api/index.ts';
import { applyPlan, type Adoption, type ApplyOutcome, type Conflict } from '../../apply/index.ts';
import {
  ConditionReasons,
  FIELD_MANAGER,
  formatObjectId,
  type Clock,
  type KubeObject,
} from '../../core/index.ts';
import type { KubeClient, KubeErrorData } from '../../kube/index.ts';
import { inventoryEntryOf, summarizeChangeSet, type ChangeEntry } from '../../plan/index.ts';
import { writeStatus } from '../status.ts';
import { ownerGoneLookup } from './adoption.ts';
import { decideCommitted, intentStatus } from './decide.ts';
import { driftOnFailure, remainingDrift, type LiveLookup } from './drift.ts';
import { assessHealth } from './health-check.ts';
import { failedMessage } from './messages.ts';
import { prepareApply, type Prepared } from './prepare.ts';
import { applyFailureReason } from './reasons.ts';
import type { Announcement, Failed, FailureCause, SyncOutcome } from './outcome.ts';
import type { SyncStatus } from './status.ts';

/** The cluster as the Sync reconciler sees it: a client and the watch-fed cache. */
export type ClusterView = {
  readonly kube: KubeClient;
  readonly live: LiveLookup;
  /** True when the kind is watched and no Moor-labelled object of that name exists. */
  readonly knownAbsent: (obj: KubeObject) => boolean;
  /** Starts watching these kinds (once each) so `live` can answer for them. */
  readonly watchKinds: (kinds: readonly { apiVersion: string; kind: string }[]) => Promise<void>;
  /** This operator's id, named in every Sync status it writes (ADR 0018). */
  readonly operatorId: string;
};

/** What the operator remembers of each Sync's applied revision between reconciles. */
export type DesiredMemory = {
  /** An object as the Sync's last applied revision rendered it (undefined: not known). */
  readonly applied: (syncKey: string, obj: KubeObject) => KubeObject | undefined;
  /** The desired objects of a Sync's applied revision, for drift seen between reconciles. */
  readonly remember: (syncKey: string, desired: readonly KubeObject[]) => void;
  /** Last states of the Sync's finished Jobs with a TTL, as the live cache saw them. */
  readonly jobsSeen: (syncKey: string) => readonly KubeObject[];
};

export type ApplyHandles = {
  readonly cluster: ClusterView;
  readonly memory: DesiredMemory;
  readonly clock: Clock;
  readonly concurrency: number;
  /** ChangeCommitted goes out the moment a revision is first attempted. */
  readonly announce: (a: Announcement) => void;
};

/** One revision of one Sync to apply. */
export type Revision = {
  readonly obj: KubeObject;
  readonly sync: Sync;
  readonly key: string;
  readonly status: SyncStatus;
  /** When the reconcile began. */
  readonly startedAt: Date;
  readonly revision: string;
  readonly desired: KubeObject[];
  readonly renderMs: number;
  /** Digest of what the render read from the cluster (substitution, decryption); '': nothing. */
  readonly inputs?: string;
};

export type ApplyStep =
  | {
      readonly obj: KubeObject;
      readonly status: SyncStatus;
      readonly outcome: SyncOutcome;
      readonly conflicts: readonly Conflict[];
      /** Objects taken from Syncs that are gone, when the apply went through. */
      readonly adopted?: readonly Adoption[];
    }
  | 'abandoned';

/**
 * Writes Reconciling and the inventory union before anything is created (ADR 0003). When the
 * recorded inventory already holds every desired object, nothing new can be created and the
 * write is left out, even for a new revision: the one status write of the decision moves the
 * Sync to it (ADR 0037).
 */
async function recordIntent(
  h: ApplyHandles,
  rev: Revision,
  p: Prepared,
  signal: AbortSignal,
): Promise<{ obj: KubeObject; status: SyncStatus } | Failed> {
  const { obj, status, revision } = rev;
  for (const a of decideCommitted(status, revision)) h.announce(a);
  if (p.sameIntent) return { obj, status };
  const next = intentStatus(rev.sync, status, revision, p.intent, rev.startedAt);
  const res = await writeStatus(h.cluster.kube, obj, next, signal, h.cluster.operatorId);
  if (res.error) {
    const message = `recording the inventory before applying failed: ${res.error}`;
    return { kind: 'failed', reason: ConditionReasons.ApplyFailed, message };
  }
  return res.obj ? { obj: res.obj, status: res.obj.status ?? {} } : { obj, status };
}

/** The client to apply with: the Sync's service account when it names one. */
export function applierOf(kube: KubeClient, sync: Sync): KubeClient {
  const account = sync.spec.serviceAccountName;
  const namespace = sync.metadata.namespace ?? '';
  return account ? kube.impersonate(`system:serviceaccount:${namespace}:${account}`) : kube;
}

async function runApply(
  h: ApplyHandles,
  sync: Sync,
  p: Prepared,
  signal: AbortSignal,
  mayWrite: Promise<boolean>,
) {
  const kube = applierOf(h.cluster.kube, sync);
  const timeoutMs = p.timeoutMs;
  const adopted: Adoption[] = [];
  const outcome = await applyPlan(
    {
      stages: p.stages,
      prune: p.prune,
      owner: { name: sync.metadata.name, namespace: sync.metadata.namespace ?? '' },
      fieldManager: FIELD_MANAGER,
      force: sync.spec.force,
      timeoutMs,
      mayWrite,
    },
    {
      kube,
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      concurrency: h.concurrency,
      clock: h.clock,
      live: h.cluster.live,
      knownAbsent: h.cluster.knownAbsent,
      // The operator's own client: the Sync's service account may not read Syncs.
      ownerGone: ownerGoneLookup(h.cluster.kube, signal),
      onAdopt: (a) => adopted.push(a),
    },
  );
  return { kube, outcome, adopted };
}

/** The first failed object's error as data: its code, the object, and what the server answered. */
function causeOfApply(failed: readonly ChangeEntry[]): FailureCause | undefined {
  const first = failed.find((e) => e.error);
  if (!first?.error) return undefined;
  const data = first.error.data as Partial<KubeErrorData>;
  return {
    code: first.error.code,
    data: {
      object: formatObjectId(first.id),
      ...(data.status === undefined ? {} : { status: data.status }),
      ...(data.reason === undefined ? {} : { serverReason: data.reason }),
    },
  };
}

/** The apply failed: keep everything that may exist in the inventory so a later one can prune it. */
function failedApply(h: ApplyHandles, rev: Revision, p: Prepared, outcome: ApplyOutcome): Failed {
  const { revision } = rev;
  const failed = outcome.entries.filter((e) => e.action === 'failed');
  const message = failedMessage(
    failed.map((e) => e.message),
    revision,
  );
  const before = { previous: rev.status.drift, now: rev.startedAt };
  const known = driftOnFailure(revision, p, h.cluster.live, before);
  const cause = causeOfApply(failed);
  return {
    kind: 'failed',
    reason: applyFailureReason(outcome),
    ...(cause ? { cause } : {}),
    message,
    extra: {
      lastAttemptedRevision: revision,
      inventory: { entries: p.intent },
      ...(known.drift ? { drift: known.drift } : {}),
    },
    conditions: known.conditions,
    announce: { event: 'ApplyFailed', revision, objects: failed.map((e) => formatObjectId(e.id)) },
    attempt: { revision, startedAt: p.applyStartedAt, counts: summarizeChangeSet(outcome) },
  };
}

/**
 * The intent write and the apply side by side: the apply's validation (reads and dry-runs, nothing
 * created) does not wait for the write, and its first write waits until the intent is recorded
 * (ADR 0003 holds; ADR 0039). When the intent write fails, nothing is written.
 */
async function intentBesideValidation(
  h: ApplyHandles,
  start: Revision,
  p: Prepared,
  signal: AbortSignal,
): Promise<
  | { intent: Failed }
  | {
      intent: { obj: KubeObject; status: SyncStatus };
      applied: Awaited<ReturnType<typeof runApply>>;
    }
> {
  const recording = recordIntent(h, start, p, signal);
  const recorded = recording.then(
    (i) => !('kind' in i),
    () => false,
  );
  const applying = runApply(h, start.sync, p, signal, recorded);
  const intent = await recording.catch(async (error: unknown) => {
    await applying.catch(() => undefined);
    throw error;
  });
  if ('kind' in intent) {
    await applying.catch(() => undefined);
    return { intent };
  }
  return { intent, applied: await applying };
}

export async function applyRevision(
  h: ApplyHandles,
  start: Revision,
  signal: AbortSignal,
): Promise<ApplyStep> {
  const p = await prepareApply(h, start, signal);
  // The apply's time (the log's applyMs) counts from the intent write, which validation runs beside.
  const applyStarted = h.clock.monotonic();
  const both = await intentBesideValidation(h, start, p, signal);
  if (!('applied' in both)) return { ...start, outcome: both.intent, conflicts: [] };
  const rev = { ...start, ...both.intent };
  const { kube, outcome, adopted } = both.applied;
  // An apply cut short by the operator stopping reports nothing; the next run applies again.
  if (signal.aborted) return 'abandoned';
  const conflicts = outcome.conflicts;
  if (!outcome.ok) return { ...rev, outcome: failedApply(h, rev, p, outcome), conflicts };
  h.memory.remember(rev.key, rev.desired);
  const before = { previous: rev.status.drift, now: rev.startedAt };
  // Correct mode: what the apply could not bring back (still being deleted) is drift left.
  const left = p.mode === 'Correct' ? remainingDrift(p.active, outcome, before) : p.drift;
  const health = await assessHealth({ ...h, kube }, rev, outcome, p.settle, signal);
  const corrected =
    p.mode === 'Correct' && !p.newRevision
      ? outcome.entries
          .filter((e) => e.action === 'created' || e.action === 'configured')
          .map((e) => formatObjectId(e.id))
      : [];
  const applied: SyncOutcome = {
    kind: 'applied',
    revision: rev.revision,
    newRevision: p.newRevision,
    inventory: p.desiredInventory,
    outcome,
    counts: summarizeChangeSet(outcome),
    health,
    drift: left,
    corrected,
    desiredCount: rev.desired.length,
    finishedJobs: p.settle().records,
    startedAt: p.applyStartedAt,
    timings: { renderMs: rev.renderMs, applyMs: Math.round(h.clock.monotonic() - applyStarted) },
    ...(rev.inputs ? { inputs: rev.inputs } : {}),
  };
  return { ...rev, outcome: applied, conflicts, adopted };
}

/**
 * A revision that changes nothing this Sync renders (see skippable): no render, no apply, no
 * intent write; the objects are as the last apply left them, and the one status write of the
 * decision moves the Sync to the revision.
 */
export async function applyUnchanged(
  h: ApplyHandles,
  rev: Revision,
  signal: AbortSignal,
): Promise<ApplyStep> {
  const started = h.clock.monotonic();
  const applyStartedAt = h.clock.now();
  for (const a of decideCommitted(rev.status, rev.revision)) h.announce(a);
  const entries = rev.desired.map((o): ChangeEntry => {
    const { version, ...id } = inventoryEntryOf(o);
    return { id, version, action: 'unchanged', message: `${formatObjectId(id)} unchanged` };
  });
  const outcome: ApplyOutcome = { entries, phase: 'done', ok: true, conflicts: [], applied: [] };
  const kube = applierOf(h.cluster.kube, rev.sync);
  const none = () => ({ done: new Map(), records: [] });
  const health = await assessHealth({ ...h, kube }, rev, outcome, none, signal);
  if (signal.aborted) return 'abandoned';
  const applied: SyncOutcome = {
    kind: 'applied',
    revision: rev.revision,
    newRevision: true,
    inventory: rev.desired.map(inventoryEntryOf),
    outcome,
    counts: summarizeChangeSet(outcome),
    health,
    drift: undefined,
    corrected: [],
    desiredCount: rev.desired.length,
    finishedJobs: [],
    startedAt: applyStartedAt,
    timings: { renderMs: 0, applyMs: Math.round(h.clock.monotonic() - started) },
    ...(rev.inputs ? { inputs: rev.inputs } : {}),
  };
  return { obj: rev.obj, status: rev.status, outcome: applied, conflicts: [] };
}
