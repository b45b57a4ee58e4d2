/**
 * Before an apply: which kinds to watch, which finished Jobs are done, which drift to leave (per
 * spec.drift.mode and `moor.dev/drift: ignore`), the plan's stages and the inventory to record.
 */
import { parseDuration, type DriftMode } from '../../api/index.ts';
import {
  objectIdOf,
  objectKey,
  type KubeObject,
  kindKey,
  formatApiVersion,
} from '../../core/index.ts';
import {
  inventoryEntryOf,
  planChangeSet,
  type InventoryEntry,
  type Plan,
} from '../../plan/index.ts';
import { settleFinishedJobs, type JobSettlement } from '../finished-jobs.ts';
import type { ApplyHandles, Revision } from './apply.ts';
import { isLeftAlone, type DriftCheck } from './drift-check.ts';
import { confirmDrift } from './drift.ts';
import { mergeInventories, sameInventory } from './status.ts';

export type Prepared = {
  readonly applyStartedAt: Date;
  /** A new revision or spec (path, targetNamespace …): applied whole, no drift. */
  readonly newRevision: boolean;
  readonly mode: DriftMode;
  /** Finished Jobs their TTL removed, and the records of every finished Job. */
  readonly settle: () => JobSettlement;
  /** Desired objects not done. */
  readonly active: readonly KubeObject[];
  /** Drift confirmed before the apply (Alert and Ignore only). */
  readonly drift: DriftCheck | undefined;
  /** Objects left as they are live (`moor.dev/drift: ignore`). */
  readonly alone: readonly KubeObject[];
  readonly stages: KubeObject[][];
  readonly prune: Plan['prune'];
  readonly desiredInventory: InventoryEntry[];
  /** The union of the old inventory and the desired one, recorded before the apply. */
  readonly intent: InventoryEntry[];
  /** Whether the intent is the inventory already recorded. */
  readonly sameIntent: boolean;
  readonly timeoutMs: number;
};

const keyOf = (o: KubeObject): string => objectKey(objectIdOf(o));

function kindsOf(desired: readonly KubeObject[], inventory: readonly InventoryEntry[]) {
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const o of desired)
    kinds.set(kindKey(o.apiVersion, o.kind), { apiVersion: o.apiVersion, kind: o.kind });
  for (const e of inventory) {
    const apiVersion = formatApiVersion(e.group, e.version);
    kinds.set(kindKey(apiVersion, e.kind), { apiVersion, kind: e.kind });
  }
  return [...kinds.values()];
}

export async function prepareApply(
  h: ApplyHandles,
  rev: Revision,
  signal: AbortSignal,
): Promise<Prepared> {
  const { sync, status, revision, desired, key } = rev;
  const { cluster, memory } = h;
  const applyStartedAt = h.clock.now();
  const oldInventory = status.inventory?.entries ?? [];
  await cluster.watchKinds(kindsOf(desired, oldInventory));
  // Drift only exists against the desired state already applied: a new revision, or a changed
  // spec (path, targetNamespace …), is applied whole.
  const newRevision =
    status.lastAppliedRevision !== revision ||
    status.observedGeneration !== sync.metadata.generation ||
    (status.lastAppliedInputs ?? '') !== (rev.inputs ?? '');
  const mode = sync.spec.drift.mode;
  const settle = () =>
    settleFinishedJobs(
      desired,
      { live: cluster.live, lastSeen: memory.jobsSeen(key), recorded: status.finishedJobs ?? [] },
      revision,
    );
  // Finished Jobs their TTL removed are done for this rendered spec: not applied, not drift.
  const { done } = settle();
  const active = desired.filter((o) => !done.has(keyOf(o)));
  // Correct mode needs no separate drift check: what the apply changes on the same desired state
  // is the drift it corrected. Alert and Ignore must know it beforehand, to leave it alone.
  const before = { previous: status.drift, now: rev.startedAt };
  const drift =
    newRevision || mode === 'Correct'
      ? undefined
      : await confirmDrift(cluster, active, before, signal);
  // Objects opted out with `moor.dev/drift: ignore` are left as they are live, in every mode.
  const alone = active.filter((o) =>
    isLeftAlone(o, cluster.live(o), memory.applied(key, o), newRevision),
  );
  const kept = [...alone, ...(mode === 'Correct' || !drift ? [] : drift.drifted)];
  const leave = new Set([...done.keys(), ...kept.map(keyOf)]);
  const plan = planChangeSet({ desired, inventory: oldInventory, prune: sync.spec.prune });
  const stages = plan.stages.map((s) => s.filter((o) => !leave.has(keyOf(o))));
  const desiredInventory = desired.map(inventoryEntryOf);
  const intent = mergeInventories(oldInventory, desiredInventory);
  return {
    applyStartedAt,
    newRevision,
    mode,
    settle,
    active,
    drift,
    alone,
    stages,
    prune: plan.prune,
    desiredInventory,
    intent,
    sameIntent: sameInventory(intent, oldInventory),
    timeoutMs: parseDuration(sync.spec.timeout),
  };
}
