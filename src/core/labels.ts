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
  ImageRepository: 'ImageRepository',
  ImagePolicy: 'ImagePolicy',
  ImageUpdateAutomation: 'ImageUpdateAutomation',
} as const;
export type MoorKind = (typeof Kinds)[keyof typeof Kinds];

export const Labels = {
  syncName: 'moor.dev/sync-name',
  syncNamespace: 'moor.dev/sync-namespace',
} as const;

export const Annotations = {
  reconcileRequestedAt: 'moor.dev/reconcile-requested-at',
  /** Per-object opt-out of drift handling: `moor.dev/drift: ignore`. */
  drift: 'moor.dev/drift',
  /** Per-object opt-out of pruning: `moor.dev/prune: disabled`. */
  prune: 'moor.dev/prune',
} as const;
