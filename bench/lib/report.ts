// The readable side of a run: one row per figure with its target (targets are goals, not
// assertions), as a Markdown table that also reads well on a terminal.
import { pushRows } from './report-push.ts';

export type Results = Record<string, unknown>;

/** The value at a dotted path of the results, when it is a number. */
export function numberAt(results: Results, path: string): number | undefined {
  let at: unknown = results;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === 'number' && Number.isFinite(at) ? at : undefined;
}

type Row = {
  readonly scenario: string;
  readonly figure: string;
  readonly paths: readonly string[];
  readonly unit: string;
  readonly target?: {
    readonly text: string;
    readonly met: (v: readonly (number | undefined)[]) => boolean;
  };
};

/** Many Syncs: all Ready within a minute, in at most 200 MiB. */
const manySyncsTarget: Row['target'] = {
  text: '≤ 60 s, ≤ 200 MiB',
  met: ([s, m]) => (s ?? Infinity) <= 60 && (m ?? Infinity) <= 200,
};

/** The source step alone: a commit's artifact within a small share of push → converged. */
const gitRow = (key: string, label: string, target: number): Row => ({
  scenario: `commit → artifact, ${label}`,
  figure: 'p50 / p95 / cold',
  paths: [
    `commitToArtifact.${key}.p50Ms`,
    `commitToArtifact.${key}.p95Ms`,
    `commitToArtifact.${key}.coldMs`,
  ],
  unit: 'ms',
  target: { text: `p50 ≤ ${target} ms`, met: ([p50]) => (p50 ?? Infinity) <= target },
});

/** The dashboard in headless Chromium (`ui`). */
const uiRows: readonly Row[] = [
  {
    scenario: 'dashboard: overview of 1,000 Syncs',
    figure: 'first meaningful render',
    paths: ['ui.overviewFirstRenderMs'],
    unit: 'ms',
    target: { text: '≤ 1000 ms', met: ([v]) => (v ?? Infinity) <= 1000 },
  },
  {
    scenario: 'dashboard: open a Sync of 5,000 objects',
    figure: 'until its tree is drawn',
    paths: ['ui.openSyncMs'],
    unit: 'ms',
    target: { text: '≤ 1500 ms', met: ([v]) => (v ?? Infinity) <= 1500 },
  },
  {
    scenario: 'dashboard: 100 Syncs change state per second',
    figure: 'longest main-thread task',
    paths: ['ui.longestTaskMs'],
    unit: 'ms',
    target: { text: '≤ 200 ms', met: ([v]) => (v ?? Infinity) <= 200 },
  },
  {
    scenario: 'dashboard: bundle (JS + CSS)',
    figure: 'gzip size',
    paths: ['ui.bundleGzipKiB'],
    unit: 'KiB',
    target: { text: '≤ 150 KiB', met: ([v]) => (v ?? Infinity) <= 150 },
  },
];

/** The cost curve (`cost`): idle memory above an operator that manages nothing. */
const costRows: readonly Row[] = [
  {
    scenario: 'cost: baseline, nothing managed',
    figure: 'RSS / V8 heap used',
    paths: ['cost.baseline.rssMiB', 'cost.baseline.heapUsedMiB'],
    unit: 'MiB',
  },
  {
    scenario: 'cost per managed object (largest point)',
    figure: 'RSS / V8 heap used',
    paths: ['cost.perObject.rssBytesPer', 'cost.perObject.heapBytesPer'],
    unit: 'bytes above baseline',
    target: { text: 'RSS ≤ 4 KiB', met: ([r]) => (r ?? Infinity) <= 4096 },
  },
  {
    scenario: 'cost per managed object, marginal',
    figure: 'RSS / V8 heap used',
    paths: ['cost.marginalPerObject.rssBytesPer', 'cost.marginalPerObject.heapBytesPer'],
    unit: 'bytes, smallest → largest point',
  },
  {
    scenario: 'cost per Sync of 1 object (largest point)',
    figure: 'RSS / V8 heap used',
    paths: ['cost.perSync.rssBytesPer', 'cost.perSync.heapBytesPer'],
    unit: 'bytes above baseline',
  },
  {
    scenario: 'cost per Sync of 1 object, marginal',
    figure: 'RSS / V8 heap used',
    paths: ['cost.marginalPerSync.rssBytesPer', 'cost.marginalPerSync.heapBytesPer'],
    unit: 'bytes, smallest → largest point',
  },
];
/** Soak: flat means no growth an hour would notice; drift and feedback are exact. */
function soakRows(): Row[] {
  const flat = (figure: string, label: string, unit: string, bound: number): Row => ({
    scenario: `soak: ${label}`,
    figure: 'start / end / slope per hour',
    paths: ['start', 'end', 'slopePerHour'].map((k) => `soak.${figure}.${k}`),
    unit,
    target: {
      text: `slope ≤ ${bound} ${unit}/h`,
      met: ([, , s]) => Math.abs(s ?? Infinity) <= bound,
    },
  });
  return [
    flat('rssMiB', 'RSS', 'MiB', 10),
    flat('heapUsedMiB', 'V8 heap used', 'MiB', 10),
    flat('fds', 'open file descriptors', 'fds', 5),
    flat('activeHandles', 'active handles', 'handles', 5),
    flat('children', 'child processes', 'processes', 1),
    flat('remembered', 'remembered entries (per object)', 'entries', 10),
    {
      scenario: 'soak: bounded caches (revisions, Events)',
      figure: 'start / end / max',
      paths: ['start', 'end', 'max'].map((k) => `soak.bounded.${k}`),
      unit: 'entries',
    },
    {
      scenario: 'soak: drift',
      figure: 'made / put back / missed',
      paths: ['soak.drift.made', 'soak.drift.corrected', 'soak.drift.missed'],
      unit: 'drifts',
      target: { text: '0 missed', met: ([, , m]) => m === 0 },
    },
    {
      scenario: 'soak: drift put back',
      figure: 'p50 / p95',
      paths: ['soak.drift.p50Ms', 'soak.drift.p95Ms'],
      unit: 'ms',
    },
    {
      scenario: 'soak: Converged per Sync and revision',
      figure: 'expected / missing / duplicated',
      paths: ['soak.converged.expected', 'soak.converged.missing', 'soak.converged.duplicated'],
      unit: 'Events',
      target: { text: '0 missing, 0 duplicated', met: ([, m, d]) => m === 0 && d === 0 },
    },
  ];
}

const rows: readonly Row[] = [
  {
    scenario: 'push → converged, webhook',
    figure: 'p50 / p95',
    paths: ['pushToConverged.webhook.p50Ms', 'pushToConverged.webhook.p95Ms'],
    unit: 'ms',
    target: {
      text: 'p50 ≤ 150 ms, p95 ≤ 300 ms',
      met: ([p50, p95]) => (p50 ?? Infinity) <= 150 && (p95 ?? Infinity) <= 300,
    },
  },
  {
    scenario: 'push, webhook: where the time went',
    figure: 'to artifact / to applied / to Ready',
    paths: [
      'pushToConverged.webhook.phasesMs.toArtifact',
      'pushToConverged.webhook.phasesMs.artifactToApplied',
      'pushToConverged.webhook.phasesMs.appliedToReady',
    ],
    unit: 'ms (p50)',
  },
  {
    scenario: 'push → converged, polling 1s',
    figure: 'p50 / p95',
    paths: ['pushToConverged.polling.p50Ms', 'pushToConverged.polling.p95Ms'],
    unit: 'ms',
  },
  {
    scenario: 'no-op reconcile (interval)',
    figure: 'requests / writes',
    paths: ['noop.requests', 'noop.writes'],
    unit: 'per reconcile',
    target: {
      text: '≤ 2 requests, 0 writes',
      met: ([r, w]) => (r ?? Infinity) <= 2 && w === 0,
    },
  },
  {
    scenario: 'no-op reconcile (interval)',
    figure: 'CPU / wall',
    paths: ['noop.cpuMs', 'noop.wallMs'],
    unit: 'ms per reconcile',
  },
  {
    scenario: 'forced reconcile (annotation)',
    figure: 'requests / writes',
    paths: ['noop.forced.requests', 'noop.forced.writes'],
    unit: 'per reconcile',
  },
  {
    scenario: 'forced reconcile (annotation)',
    figure: 'CPU / wall',
    paths: ['noop.forced.cpuMs', 'noop.forced.wallMs'],
    unit: 'ms per reconcile',
  },
  {
    scenario: 'drift corrected',
    figure: 'p50 / p95',
    paths: ['drift.p50Ms', 'drift.p95Ms'],
    unit: 'ms',
    target: { text: 'p50 ≤ 200 ms', met: ([p50]) => (p50 ?? Infinity) <= 200 },
  },
  {
    scenario: 'many Syncs, all Ready',
    figure: 'time / peak RSS',
    paths: ['manySyncs.readySeconds', 'manySyncs.peakRssMiB'],
    unit: 's / MiB',
    target: manySyncsTarget,
  },
  {
    scenario: 'many Syncs, requests per Sync',
    figure: 'patch / create / get',
    paths: [
      'manySyncs.requestsPerSync.patch',
      'manySyncs.requestsPerSync.create',
      'manySyncs.requestsPerSync.get',
    ],
    unit: 'requests',
  },
  {
    scenario: 'many Syncs, --concurrency 16',
    figure: 'time / peak RSS',
    paths: ['manySyncs.byConcurrency.16.readySeconds', 'manySyncs.byConcurrency.16.peakRssMiB'],
    unit: 's / MiB',
    target: manySyncsTarget,
  },
  {
    scenario: 'steady state, idle',
    figure: 'RSS / CPU',
    paths: ['steady.rssMiB', 'steady.cpuPercent'],
    unit: 'MiB / % of a core',
    target: { text: 'RSS ≤ 150 MiB', met: ([m]) => (m ?? Infinity) <= 150 },
  },
  {
    scenario: 'steady state, idle',
    figure: 'V8 heap used / total',
    paths: ['steady.heapUsedMiB', 'steady.heapTotalMiB'],
    unit: 'MiB',
  },
  {
    scenario: 'ceiling: raw SSA, 32 parallel',
    figure: 'throughput / round trip',
    paths: ['ceiling.objectsPerSecond', 'ceiling.applyRoundTripMs'],
    unit: 'objects/s / ms',
  },
  {
    scenario: 'initial apply by Moor',
    figure: 'throughput / ratio',
    paths: ['initialApply.objectsPerSecond', 'initialApply.ratioToCeiling'],
    unit: 'objects/s / of ceiling',
    target: { text: '≥ 0.8 of ceiling', met: ([, r]) => (r ?? 0) >= 0.8 },
  },
  {
    scenario: 'initial apply, requests per object',
    figure: 'get / patch',
    paths: ['initialApply.requestsPerObject.get', 'initialApply.requestsPerObject.patch'],
    unit: 'requests',
  },
  {
    scenario: 'CLI: moor --version',
    figure: 'wall / CPU / peak RSS',
    paths: ['cli.version.wallMs', 'cli.version.cpuMs', 'cli.version.rssMiB'],
    unit: 'ms / ms / MiB (median)',
  },
  {
    scenario: 'CLI: moor get syncs -A',
    figure: 'wall / CPU / peak RSS',
    paths: ['cli.getSyncs.wallMs', 'cli.getSyncs.cpuMs', 'cli.getSyncs.rssMiB'],
    unit: 'ms / ms / MiB (median)',
    target: { text: 'wall ≤ 200 ms', met: ([wall]) => (wall ?? Infinity) <= 200 },
  },
  {
    scenario: 'CLI: kubectl get syncs.moor.dev -A',
    figure: 'wall / CPU / peak RSS',
    paths: ['cli.kubectl.wallMs', 'cli.kubectl.cpuMs', 'cli.kubectl.rssMiB'],
    unit: 'ms / ms / MiB (median)',
  },
  {
    scenario: 'initial apply, operator apply time',
    figure: 'throughput / ratio',
    paths: ['initialApply.operatorObjectsPerSecond', 'initialApply.operatorRatioToCeiling'],
    unit: 'objects/s / of ceiling',
  },
  ...costRows,
  ...soakRows(),
  gitRow('small', 'small repo (5 files)', 50),
  gitRow('apps100', '100 apps (400 files)', 50),
  gitRow('files3000', '3,000 files', 100),
  {
    scenario: 'commit → artifact, git runs',
    figure: 'small / 100 apps / 3,000 files',
    paths: [
      'commitToArtifact.small.gitRunsPerRevision',
      'commitToArtifact.apps100.gitRunsPerRevision',
      'commitToArtifact.files3000.gitRunsPerRevision',
    ],
    unit: 'per revision',
  },
  ...pushRows,
  ...uiRows,
  {
    scenario: 'leader killed (SIGKILL), 15 s Lease',
    figure: 'standby leads / Ready on a new commit',
    paths: ['takeover.leaseMs', 'takeover.convergedMs'],
    unit: 'ms (median)',
    target: { text: '≤ 15000 ms', met: ([v]) => (v ?? Infinity) <= 15_000 },
  },
];

const format = (v: number | undefined): string =>
  v === undefined ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1);

export function renderTable(results: Results): string {
  const lines = [
    '| scenario | figure | value | unit | target | met |',
    '|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const values = row.paths.map((p) => numberAt(results, p));
    if (values.every((v) => v === undefined)) continue;
    const known = values.every((v) => v !== undefined);
    const met = row.target && known ? (row.target.met(values) ? 'yes' : 'NO') : '';
    lines.push(
      `| ${row.scenario} | ${row.figure} | ${values.map(format).join(' / ')} | ${row.unit} | ${row.target?.text ?? ''} | ${met} |`,
    );
  }
  return lines.join('\n');
}

type CurvePoint = {
  objects: number;
  syncs: number;
  readySeconds: number;
  rssMiB: number;
  peakRssMiB: number;
  heapUsedMiB: number;
  rssBytesPer?: number;
  heapBytesPer?: number;
};

/** The cost curve as a table of its own: one row per point (empty when `cost` did not run). */
export function renderCostCurve(results: Results): string[] {
  const cost = results.cost as
    | {
        baseline: CurvePoint;
        objects: CurvePoint[];
        syncs: CurvePoint[];
        failed?: { objects: number; syncs: number; error: string }[];
      }
    | undefined;
  if (!cost?.baseline) return [];
  const row = (p: CurvePoint, per: string): string =>
    `| ${p.objects} | ${p.syncs} | ${format(p.readySeconds)} | ${format(p.rssMiB)} | ` +
    `${format(p.peakRssMiB)} | ${format(p.heapUsedMiB)} | ${per} |`;
  const per = (p: CurvePoint, unit: string): string =>
    `${format(p.rssBytesPer)} / ${format(p.heapBytesPer)} per ${unit}`;
  return [
    '',
    'Cost curve (idle, after all Ready; bytes above the baseline, RSS / V8 heap used):',
    '',
    '| objects | Syncs | Ready (s) | RSS (MiB) | peak RSS (MiB) | heap used (MiB) | bytes above baseline |',
    '|---|---|---|---|---|---|---|',
    row(cost.baseline, 'baseline'),
    ...cost.objects.map((p) => row(p, per(p, 'object'))),
    ...cost.syncs.map((p) => row(p, per(p, 'Sync'))),
    ...(cost.failed ?? []).map((f) => `| ${f.objects} | ${f.syncs} | failed: ${f.error} | | | | |`),
  ];
}

export function renderMarkdown(results: Results): string {
  const machine = (results.machine ?? {}) as Record<string, unknown>;
  const sizes = JSON.stringify(results.sizes ?? {});
  const errors = Object.entries((results.errors ?? {}) as Record<string, string>);
  return [
    '# Moor benchmarks',
    '',
    `${String(machine.date)} · ${String(machine.cores)} cores (${String(machine.cpuModel)}) · ` +
      `${String(machine.memoryGiB)} GiB · Node ${String(machine.node)} · ` +
      `${String(results.durationSeconds)} s`,
    '',
    'Every figure is a median over repeated runs (latencies: p50 / p95). Targets are goals, not assertions.',
    '',
    renderTable(results),
    ...renderCostCurve(results),
    '',
    `Sizes: \`${sizes}\``,
    ...(errors.length ? ['', '## Errors', '', ...errors.map(([k, v]) => `- ${k}: ${v}`)] : []),
    '',
  ].join('\n');
}
