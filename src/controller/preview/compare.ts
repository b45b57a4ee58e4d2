/**
 * A preview (pure): for each desired object what the server said the apply would make of it,
 * against what is live, plus what pruning would delete → the objects to create, change and prune.
 * The shell (compute.ts) gathers the live objects and dry-run answers; this decides.
 */
import { objectIdOf, type KubeObject, type ObjectId } from '../../core/index.ts';
import type { InventoryEntry } from '../../plan/index.ts';
import { diffFields, type FieldChange } from './field-diff.ts';

export const PreviewActions = { create: 'create', change: 'change', prune: 'prune' } as const;
export type PreviewAction = (typeof PreviewActions)[keyof typeof PreviewActions];

export type ObjectChange = ObjectId & {
  readonly action: PreviewAction;
  /** For `change`: the fields that differ (Secret values masked). */
  readonly fields?: readonly FieldChange[];
};

export type PreviewFailure = ObjectId & { readonly message: string };

export type Preview = {
  /** What was compared: `<ref>@sha1:<sha>`, or the local directory. */
  readonly revision: string;
  readonly sync: { readonly namespace: string; readonly name: string };
  readonly create: readonly ObjectChange[];
  readonly change: readonly ObjectChange[];
  readonly prune: readonly ObjectChange[];
  /** Desired objects the apply would leave as they are. */
  readonly unchanged: number;
  /** Desired objects the server refused (invalid, immutable field changed, …). */
  readonly failed: readonly PreviewFailure[];
};

/** What the server said about one desired object. */
export type DryRunAnswer =
  | { readonly kind: 'applied'; readonly result: KubeObject }
  /** Its namespace is created by the same change: the server cannot dry-run it yet. */
  | { readonly kind: 'deferred' }
  | { readonly kind: 'refused'; readonly message: string };

export type Observation = {
  readonly desired: KubeObject;
  readonly live: KubeObject | undefined;
  readonly answer: DryRunAnswer;
};

export type PreviewInput = {
  readonly revision: string;
  readonly sync: { readonly namespace: string; readonly name: string };
  readonly observations: readonly Observation[];
  /** Inventory entries the plan would prune that still exist live. */
  readonly pruned: readonly InventoryEntry[];
};

const idOf = (e: ObjectId): ObjectId => ({
  group: e.group,
  kind: e.kind,
  namespace: e.namespace,
  name: e.name,
});

/** Decides each object's fate; the lists keep the observations' (apply) order. */
export function comparePreview(input: PreviewInput): Preview {
  const create: ObjectChange[] = [];
  const change: ObjectChange[] = [];
  const failed: PreviewFailure[] = [];
  let unchanged = 0;
  for (const { desired, live, answer } of input.observations) {
    const id = objectIdOf(desired);
    if (answer.kind === 'refused') {
      failed.push({ ...id, message: answer.message });
    } else if (!live) {
      create.push({ ...id, action: PreviewActions.create });
    } else {
      const fields = answer.kind === 'applied' ? diffFields(live, answer.result) : [];
      if (fields.length === 0) unchanged++;
      else change.push({ ...id, action: PreviewActions.change, fields });
    }
  }
  const prune = input.pruned.map((e) => ({ ...idOf(e), action: PreviewActions.prune }));
  return { revision: input.revision, sync: input.sync, create, change, prune, unchanged, failed };
}

/** True when applying the previewed state would write or delete something. */
export function hasChanges(p: Preview): boolean {
  return p.create.length + p.change.length + p.prune.length > 0;
}

/** `2 to create, 1 to change, 1 to prune` (and `, 1 refused` when the server refused some). */
export function summarizePreview(p: Preview): string {
  const parts = [
    `${p.create.length} to create`,
    `${p.change.length} to change`,
    `${p.prune.length} to prune`,
    ...(p.failed.length > 0 ? [`${p.failed.length} refused`] : []),
  ];
  return parts.join(', ');
}
