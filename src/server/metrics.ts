// Prometheus metrics on a private registry (no prom-client global state). Callers record through
// typed methods; prom-client objects stay inside.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Outcome label values callers use; kept open for later outcomes. */
export type ReconcileResult = 'success' | 'failure' | (string & {});
export type DeliveryResult = 'success' | 'failure' | (string & {});

export type ReconcileObservation = {
  /** Kind reconciled: `GitRepository`, `Sync`, … */
  readonly kind: string;
  readonly result: ReconcileResult;
  readonly durationSeconds: number;
};

export type ObjectCounts = {
  readonly namespace: string;
  /** The Sync's name. */
  readonly sync: string;
  readonly inSync: number;
  readonly drifted: number;
};

export type Metrics = {
  /** `moor_reconcile_duration_seconds` and `moor_reconcile_total`, labelled {kind, result}. */
  observeReconcile(observation: ReconcileObservation): void;
  /** `moor_objects{namespace, sync, state="in_sync"|"drifted"}`. */
  setObjects(counts: ObjectCounts): void;
  /** Removes every series labelled with a Sync (the Sync was deleted). */
  forgetSync(sync: { readonly namespace: string; readonly sync: string }): void;
  /** `moor_api_requests_total{verb}`, read from `source` at every scrape. */
  observeApiRequests(source: () => ReadonlyMap<string, number>): void;
  /**
   * `moor_remembered_entries{map}`: entries of the operator's per-object memory (by Sync, by
   * source, by object), read from `source` at every scrape; each returns to what exists once
   * deleted objects are forgotten.
   */
  observeRemembered(source: () => ReadonlyMap<string, number>): void;
  /** `moor_live_cache_objects`: the applied objects the live cache holds (per shard: ADR 0032). */
  observeLiveObjects(source: () => number): void;
  /** `moor_alert_deliveries_total{provider, result}`. */
  recordAlertDelivery(delivery: {
    readonly provider: string;
    readonly result: DeliveryResult;
  }): void;
  /** `moor_commit_to_converged_seconds{namespace, sync}`: from seeing a commit to converging on it. */
  observeCommitToConverged(observation: {
    readonly namespace: string;
    readonly sync: string;
    readonly seconds: number;
  }): void;
  /** `moor_leader`: 1 while this process leads (always, without leader election), else 0. */
  setLeader(leading: boolean): void;
  /** `moor_api_reachable`: 1 while the API server answers the operator's requests, else 0. */
  setApiReachable(reachable: boolean): void;
  /**
   * `moor_image_scan_total` and `moor_image_scan_duration_seconds`, labelled {namespace, name,
   * result}: one scan of an ImageRepository (`success` or `failure`).
   */
  observeImageScan(observation: ImageObservation): void;
  /**
   * `moor_image_update_total` and `moor_image_update_duration_seconds`, labelled {namespace,
   * name, result}: one run of an ImageUpdateAutomation (`pushed`, `unchanged` or `failure`).
   */
  observeImageUpdate(observation: ImageObservation): void;
  /** Removes the image series of a deleted ImageRepository or ImageUpdateAutomation. */
  forgetImage(about: {
    readonly kind: 'ImageRepository' | 'ImageUpdateAutomation';
    readonly namespace: string;
    readonly name: string;
  }): void;
  /** The exposition text of every metric. */
  render(): Promise<string>;
  /** The Content-Type of `render()`'s output. */
  readonly contentType: string;
};

export type ImageObservation = {
  readonly namespace: string;
  readonly name: string;
  readonly result: 'success' | 'failure' | 'pushed' | 'unchanged';
  readonly durationSeconds: number;
};

export type MetricsOptions = {
  /** Also expose prom-client's process_* and nodejs_* metrics (default true). */
  readonly processMetrics?: boolean;
};

const ObjectStates = { inSync: 'in_sync', drifted: 'drifted' } as const;

/** Moor's own instruments, registered in `registers`. */
function createInstruments(registers: Registry[]) {
  const reconcileDuration = new Histogram({
    name: 'moor_reconcile_duration_seconds',
    help: 'Duration of one reconcile, by kind and result.',
    labelNames: ['kind', 'result'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers,
  });
  const reconcileTotal = new Counter({
    name: 'moor_reconcile_total',
    help: 'Reconciles finished, by kind and result.',
    labelNames: ['kind', 'result'] as const,
    registers,
  });
  const objects = new Gauge({
    name: 'moor_objects',
    help: "Objects in a Sync's inventory, by whether their live state matches Git.",
    labelNames: ['namespace', 'sync', 'state'] as const,
    registers,
  });
  const alertDeliveries = new Counter({
    name: 'moor_alert_deliveries_total',
    help: 'Alert deliveries to providers, by provider and result.',
    labelNames: ['provider', 'result'] as const,
    registers,
  });
  const commitToConverged = new Histogram({
    name: 'moor_commit_to_converged_seconds',
    help: 'Time from seeing a new commit to the Sync converging on it.',
    labelNames: ['namespace', 'sync'] as const,
    buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
    registers,
  });
  const leader = new Gauge({
    name: 'moor_leader',
    help: 'Whether this process leads and so reconciles and writes (1) or stands by (0).',
    registers,
  });
  const apiReachable = new Gauge({
    name: 'moor_api_reachable',
    help: "Whether the API server answers the operator's requests (1) or has stopped answering (0).",
    registers,
  });
  return {
    reconcileDuration,
    reconcileTotal,
    objects,
    alertDeliveries,
    commitToConverged,
    leader,
    apiReachable,
  };
}

const IMAGE_RESULTS = {
  ImageRepository: ['success', 'failure'],
  ImageUpdateAutomation: ['pushed', 'unchanged', 'failure'],
} as const;

/** The image automation's instruments: scans and update runs, by resource and result. */
function createImageInstruments(registers: Registry[]) {
  const labelNames = ['namespace', 'name', 'result'] as const;
  const buckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
  const scanTotal = new Counter({
    name: 'moor_image_scan_total',
    help: 'Tag scans of an ImageRepository, by resource and result.',
    labelNames,
    registers,
  });
  const scanDuration = new Histogram({
    name: 'moor_image_scan_duration_seconds',
    help: 'Duration of one tag scan of an ImageRepository, by resource and result.',
    labelNames,
    buckets,
    registers,
  });
  const updateTotal = new Counter({
    name: 'moor_image_update_total',
    help: 'Runs of an ImageUpdateAutomation, by resource and result (pushed, unchanged, failure).',
    labelNames,
    registers,
  });
  const updateDuration = new Histogram({
    name: 'moor_image_update_duration_seconds',
    help: 'Duration of one ImageUpdateAutomation run (checkout, edit, commit, push).',
    labelNames,
    buckets,
    registers,
  });
  return {
    observeImageScan: ({ namespace, name, result, durationSeconds }: ImageObservation) => {
      scanTotal.inc({ namespace, name, result });
      scanDuration.observe({ namespace, name, result }, durationSeconds);
    },
    observeImageUpdate: ({ namespace, name, result, durationSeconds }: ImageObservation) => {
      updateTotal.inc({ namespace, name, result });
      updateDuration.observe({ namespace, name, result }, durationSeconds);
    },
    forgetImage: ({ kind, namespace, name }: Parameters<Metrics['forgetImage']>[0]) => {
      const [total, duration] =
        kind === 'ImageRepository' ? [scanTotal, scanDuration] : [updateTotal, updateDuration];
      for (const result of IMAGE_RESULTS[kind]) {
        total.remove({ namespace, name, result });
        duration.remove({ namespace, name, result });
      }
    },
  };
}

/** `moor_live_cache_objects`, read from the source set by the returned function at each scrape. */
function liveObjectsGauge(registers: Registry[]): (source: () => number) => void {
  let liveObjects: (() => number) | undefined;
  new Gauge({
    name: 'moor_live_cache_objects',
    help: 'Applied objects held in the live cache (only its shard with --shard).',
    registers,
    collect() {
      this.set(liveObjects?.() ?? 0);
    },
  });
  return (source) => {
    liveObjects = source;
  };
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const {
    reconcileDuration,
    reconcileTotal,
    objects,
    alertDeliveries,
    commitToConverged,
    leader,
    apiReachable,
  } = createInstruments(registers);
  let apiRequests: (() => ReadonlyMap<string, number>) | undefined;
  new Counter({
    name: 'moor_api_requests_total',
    help: 'Requests made to the Kubernetes API server, by verb.',
    labelNames: ['verb'] as const,
    registers,
    collect() {
      this.reset();
      for (const [verb, count] of apiRequests?.() ?? []) this.inc({ verb }, count);
    },
  });

  const observeLiveObjects = liveObjectsGauge(registers);

  let remembered: (() => ReadonlyMap<string, number>) | undefined;
  new Gauge({
    name: 'moor_remembered_entries',
    help: 'Entries the operator remembers per Sync, source or object, by map.',
    labelNames: ['map'] as const,
    registers,
    collect() {
      this.reset();
      for (const [map, count] of remembered?.() ?? []) this.set({ map }, count);
    },
  });

  return {
    ...createImageInstruments(registers),
    observeReconcile: ({ kind, result, durationSeconds }) => {
      reconcileDuration.observe({ kind, result }, durationSeconds);
      reconcileTotal.inc({ kind, result });
    },
    setObjects: ({ namespace, sync, inSync, drifted }) => {
      objects.set({ namespace, sync, state: ObjectStates.inSync }, inSync);
      objects.set({ namespace, sync, state: ObjectStates.drifted }, drifted);
    },
    forgetSync: ({ namespace, sync }) => {
      for (const state of Object.values(ObjectStates)) objects.remove({ namespace, sync, state });
      commitToConverged.remove({ namespace, sync });
    },
    observeApiRequests: (source) => {
      apiRequests = source;
    },
    observeRemembered: (source) => {
      remembered = source;
    },
    observeLiveObjects,
    recordAlertDelivery: ({ provider, result }) => {
      alertDeliveries.inc({ provider, result });
    },
    observeCommitToConverged: ({ namespace, sync, seconds }) => {
      commitToConverged.observe({ namespace, sync }, seconds);
    },
    setLeader: (leading) => {
      leader.set(leading ? 1 : 0);
    },
    setApiReachable: (reachable) => {
      apiReachable.set(reachable ? 1 : 0);
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
