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
  HelmRepository: 'HelmRepository',
  ImageRepository: 'ImageRepository',
  ImagePolicy: 'ImagePolicy',
  ImageUpdateAutomation: 'ImageUpdateAutomation',
  SyncHistory: 'SyncHistory',
} as const;
export type MoorKind = (typeof Kinds)[keyof typeof Kinds];

export const Labels = {
  syncName: 'moor.dev/sync-name',
  syncNamespace: 'moor.dev/sync-namespace',
  /** On a Sync's SyncHistory (and its old history ConfigMap, ADR 0019): the Sync's name. */
  historyOf: 'moor.dev/history-of',
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

/** Annotations Helm charts carry that Moor reads (ADR 0024). */
export const HelmAnnotations = {
  /** `pre-install,pre-upgrade`, `post-install`, `test`, …: the object is a chart hook. */
  hook: 'helm.sh/hook',
} as const;

/** The chart hooks Moor applies, and in which phase: before or after the chart's other objects. */
export const HonouredHelmHooks: Readonly<Record<string, 'pre' | 'post'>> = {
  'pre-install': 'pre',
  'pre-upgrade': 'pre',
  'post-install': 'post',
  'post-upgrade': 'post',
};

/**
 * An object's hook phase: undefined for an ordinary object, 'pre' / 'post' for an honoured hook,
 * 'skipped' for a hook Moor does not apply (test, delete and rollback hooks).
 */
export function helmHookPhase(
  annotations: Readonly<Record<string, string>> | undefined,
): 'pre' | 'post' | 'skipped' | undefined {
  const value = annotations?.[HelmAnnotations.hook];
  if (value === undefined) return undefined;
  const phases = value.split(',').map((h) => HonouredHelmHooks[h.trim()]);
  if (phases.includes('pre')) return 'pre';
  if (phases.includes('post')) return 'post';
  return 'skipped';
}
/** Finalizers Moor adds: a Sync's is removed once what it applied is deleted or orphaned. */
export const Finalizers = {
  sync: 'moor.dev/finalizer',
} as const;
