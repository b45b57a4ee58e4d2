import type { Clock, KubeObject, ObjectId } from '../core/index.ts';
import type { KubeClient } from '../kube/index.ts';
import type { ChangeEntry, InventoryEntry } from '../plan/index.ts';

export type ApplyDeps = {
  readonly kube: KubeClient;
  readonly signal: AbortSignal;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** Bounds and paces the waits (CRDs Established, objects gone for a recreate). */
  readonly clock: Pick<Clock, 'monotonic' | 'sleep'>;
  /**
   * The live object from a watch-fed cache, when the cache holds it (undefined: not cached, ask
   * the API server). With it, objects whose desired fields all match live cost no request.
   */
  readonly live?: (obj: KubeObject) => KubeObject | undefined;
  /**
   * True when the cache watches the object's kind and holds no Moor-labelled object of that
   * name: then no Sync owns it, and it needs no GET before its dry-run.
   */
  readonly knownAbsent?: (obj: KubeObject) => boolean;
  /**
   * Whether the Sync an object's labels name is gone (ADR 0032): then the object is adopted,
   * not a conflict. Absent, or false (it exists, or that is not known): a conflict.
   */
  readonly ownerGone?: (owner: Conflict['owner']) => Promise<boolean>;
  /** Told of each object adopted from a Sync that is gone, before it is applied. */
  readonly onAdopt?: (adoption: Adoption) => void;
};

export type ApplyRequest = {
  /** Stage 1 (CRDs, Namespaces …) then stage 2 (the rest), as planned. */
  readonly stages: readonly (readonly KubeObject[])[];
  readonly prune: readonly InventoryEntry[];
  /** The Sync applying: its objects carry these labels, others' objects are conflicts. */
  readonly owner: { readonly name: string; readonly namespace: string };
  readonly fieldManager: string;
  /** Delete and recreate objects whose change touches an immutable field. */
  readonly force: boolean;
  /** Bound for waiting on CRDs to be Established and deleted objects to be gone. */
  readonly timeoutMs: number;
  /**
   * Awaited after validation, before the first write: the caller's own step that must come first
   * (the Sync's intent write) runs beside validation. False (or rejected): nothing is written.
   */
  readonly mayWrite?: Promise<boolean>;
};

export const ApplyPhases = {
  validate: 'validate',
  apply: 'apply',
  prune: 'prune',
  done: 'done',
} as const;
export type ApplyPhase = (typeof ApplyPhases)[keyof typeof ApplyPhases];

export type Conflict = {
  readonly id: ObjectId;
  readonly owner: { readonly name: string; readonly namespace: string };
};

/** An object labelled for a Sync that no longer exists, taken by the Sync applying it. */
export type Adoption = Conflict;

export type ApplyOutcome = {
  readonly entries: ChangeEntry[];
  /** Where it stopped: `done` when everything went through. */
  readonly phase: ApplyPhase;
  readonly ok: boolean;
  /** Objects another Sync owns: reported, never taken over. */
  readonly conflicts: Conflict[];
  /** The objects as the server returned them after the apply (created or configured or unchanged). */
  readonly applied: KubeObject[];
};
