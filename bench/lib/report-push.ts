// The report's rows for the shared-source and start-up scenarios (see report.ts for the others).

export type FigureRow = {
  readonly scenario: string;
  readonly figure: string;
  readonly paths: readonly string[];
  readonly unit: string;
  readonly target?: {
    readonly text: string;
    readonly met: (v: readonly (number | undefined)[]) => boolean;
  };
};

const atMost = (limit: number) => (v: number | undefined) => (v ?? Infinity) <= limit;

export const pushRows: readonly FigureRow[] = [
  {
    scenario: 'push, shared source: changed Sync applied',
    figure: 'p50 / p95',
    paths: ['sharedSource.changedApplied.p50Ms', 'sharedSource.changedApplied.p95Ms'],
    unit: 'ms',
    target: { text: 'p50 ≤ 200 ms', met: ([p50]) => atMost(200)(p50) },
  },
  {
    scenario: 'push, shared source: every Sync at the revision',
    figure: 'p50 / p95',
    paths: ['sharedSource.allAtRevision.p50Ms', 'sharedSource.allAtRevision.p95Ms'],
    unit: 'ms',
    target: { text: 'p50 ≤ 1 s', met: ([p50]) => atMost(1000)(p50) },
  },
  {
    scenario: 'start-up with many Syncs',
    figure: 'spawn → ready / Syncs',
    paths: ['startup.readyMs', 'startup.syncs'],
    unit: 'ms / count',
    target: { text: '≤ 500 ms', met: ([ms]) => atMost(500)(ms) },
  },
  {
    scenario: 'no-op interval, log volume',
    figure: 'bytes per interval / per reconcile',
    paths: ['startup.noopLogs.bytesPerInterval', 'startup.noopLogs.bytesPerReconcile'],
    unit: 'bytes (info level)',
    target: { text: '0 (no info line)', met: ([b]) => b === 0 },
  },
];
