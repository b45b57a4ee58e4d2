/** Labels, annotations and names Moor writes or reads: one place, no literals elsewhere. */
export const API_GROUP = 'moor.dev';
export const API_VERSION = 'v1alpha1';
export const API_GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;
export const FIELD_MANAGER = 'moor';

/** The kinds of `moor.dev` (src/api holds their schemas; the names live here, light to import). */
export const Kinds = {
  GitRepository: 'GitRepository',
  Sync: 'Sync',
  Provider: 'Provider',
  Alert: 'Alert',
  Receiver: 'Receiver',
} as const;
export type MoorKind = (typeof Kinds)[keyof typeof Kinds];

export const Labels = {
  syncName: 'moor.dev/sync-name',
  syncNamespace: 'moor.dev/sync-namespace',
  /** On a Sync or GitRepository: the operator started with `--shard` of this value takes it. */
  shard: 'moor.dev/shard',
} as const;

export const Annotations = {
  reconcileRequestedAt: 'moor.dev/reconcile-requested-at',
  /** Per-object opt-out of drift handling: `moor.dev/drift: ignore`. */
  drift: 'moor.dev/drift',
  /** Per-object opt-out of pruning: `moor.dev/prune: disabled`. */
  prune: 'moor.dev/prune',
} as const;

/** Finalizers Moor adds: a Sync's is removed once what it applied is deleted or orphaned. */
export const Finalizers = {
  sync: 'moor.dev/finalizer',
} as const;
