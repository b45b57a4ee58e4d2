// The sizes every scenario runs at: the full defaults, `--quick` (the smoke test), and one flag
// per size to override either.

export type Sizes = {
  /** ConfigMaps in the Sync used by push, no-op, drift, ceiling and initial apply. */
  readonly objects: number;
  /** Commits per trigger (webhook, polling) in push-to-converged. */
  readonly commits: number;
  /** Interval-driven no-op windows and their length. */
  readonly noopWindows: number;
  readonly noopWindowSeconds: number;
  /** Forced (annotation) reconciles. */
  readonly forcedReconciles: number;
  readonly driftRepetitions: number;
  /** Many Syncs: how many, objects each, and the operator concurrencies to try. */
  readonly syncs: number;
  readonly objectsPerSync: number;
  readonly concurrencies: readonly number[];
  /** Steady state: managed objects, split over this many Syncs, idle this long. */
  readonly steadyObjects: number;
  readonly steadySyncs: number;
  readonly idleSeconds: number;
  /** Repetitions of the raw apply ceiling and of Moor's initial apply. */
  readonly ceilingRuns: number;
  readonly initialRuns: number;
  /** Parallel applies of the ceiling client. */
  readonly ceilingConcurrency: number;
  /** Timed runs of each CLI command (after one warm-up). */
  readonly cliRuns: number;
  /** One-file commits per repository size in the commit → artifact (git) scenario. */
  readonly gitCommits: number;
  /** Cost curve: managed objects per point (over `costObjectSyncs` Syncs), Syncs of one object per point, idle sampling. */
  readonly costObjects: readonly number[];
  readonly costObjectSyncs: number;
  readonly costSyncs: readonly number[];
  readonly costIdleSeconds: number;
  /** Syncs on one GitRepository in shared-source (objects each: objectsPerSync, commits: commits). */
  readonly sharedSyncs: number;
  /** Syncs in the cluster when the operator starts (startup), and the no-op log window. */
  readonly startupSyncs: number;
  readonly logWindowSeconds: number;
  /** Soak: how long, how many Syncs, spread over how many GitRepositories. */
  readonly soakMinutes: number;
  readonly soakSyncs: number;
  readonly soakSources: number;
  /** Dashboard: Syncs in the overview, objects in the opened Sync, timed runs, churn length. */
  readonly uiSyncs: number;
  readonly uiObjects: number;
  readonly uiRuns: number;
  readonly uiChurnSeconds: number;
  /** Soak: seconds into the soak (after Ready) at which to take a heap snapshot (with --heap-snapshots). */
  readonly soakHeapAt: readonly number[];
};

export const defaultSizes: Sizes = {
  objects: 1000,
  commits: 20,
  noopWindows: 3,
  noopWindowSeconds: 10,
  forcedReconciles: 3,
  driftRepetitions: 20,
  syncs: 1000,
  objectsPerSync: 10,
  concurrencies: [4, 16],
  steadyObjects: 10_000,
  steadySyncs: 10,
  idleSeconds: 60,
  ceilingRuns: 3,
  initialRuns: 3,
  ceilingConcurrency: 32,
  cliRuns: 10,
  gitCommits: 20,
  costObjects: [1000, 10_000, 30_000],
  costObjectSyncs: 10,
  costSyncs: [100, 1000, 3000],
  costIdleSeconds: 15,
  sharedSyncs: 100,
  startupSyncs: 1000,
  logWindowSeconds: 30,
  soakMinutes: 60,
  soakSyncs: 200,
  soakSources: 20,
  uiSyncs: 1000,
  uiObjects: 5000,
  uiRuns: 3,
  uiChurnSeconds: 10,
  soakHeapAt: [],
};

export const quickSizes: Sizes = {
  objects: 20,
  commits: 3,
  noopWindows: 2,
  noopWindowSeconds: 5,
  forcedReconciles: 2,
  driftRepetitions: 3,
  syncs: 10,
  objectsPerSync: 2,
  concurrencies: [4],
  steadyObjects: 200,
  steadySyncs: 2,
  idleSeconds: 10,
  ceilingRuns: 2,
  initialRuns: 2,
  ceilingConcurrency: 32,
  cliRuns: 3,
  gitCommits: 3,
  costObjects: [20],
  costObjectSyncs: 2,
  costSyncs: [3],
  costIdleSeconds: 3,
  sharedSyncs: 3,
  startupSyncs: 10,
  logWindowSeconds: 5,
  soakMinutes: 1,
  soakSyncs: 10,
  soakSources: 2,
  uiSyncs: 50,
  uiObjects: 200,
  uiRuns: 1,
  uiChurnSeconds: 2,
  soakHeapAt: [],
};

/** Command-line flag for each size (`--objects 1000`, `--concurrencies 4,16`). */
export const sizeFlags: Readonly<Record<keyof Sizes, string>> = {
  objects: 'objects',
  commits: 'commits',
  noopWindows: 'noop-windows',
  noopWindowSeconds: 'noop-window-seconds',
  forcedReconciles: 'forced-reconciles',
  driftRepetitions: 'drift-repetitions',
  syncs: 'syncs',
  objectsPerSync: 'objects-per-sync',
  concurrencies: 'concurrencies',
  steadyObjects: 'steady-objects',
  steadySyncs: 'steady-syncs',
  idleSeconds: 'idle-seconds',
  ceilingRuns: 'ceiling-runs',
  initialRuns: 'initial-runs',
  ceilingConcurrency: 'ceiling-concurrency',
  cliRuns: 'cli-runs',
  gitCommits: 'git-commits',
  costObjects: 'cost-objects',
  costObjectSyncs: 'cost-object-syncs',
  costSyncs: 'cost-syncs',
  costIdleSeconds: 'cost-idle-seconds',
  sharedSyncs: 'shared-syncs',
  startupSyncs: 'startup-syncs',
  logWindowSeconds: 'log-window-seconds',
  soakMinutes: 'minutes',
  soakSyncs: 'soak-syncs',
  soakSources: 'soak-sources',
  uiSyncs: 'ui-syncs',
  uiObjects: 'ui-objects',
  uiRuns: 'ui-runs',
  uiChurnSeconds: 'ui-churn-seconds',
  soakHeapAt: 'soak-heap-at',
};

/** Sizes given as comma-separated lists (`--cost-objects 1000,10000`). */
export const listSizes: ReadonlySet<keyof Sizes> = new Set([
  'concurrencies',
  'costObjects',
  'costSyncs',
  'soakHeapAt',
]);
