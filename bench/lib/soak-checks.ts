// What the soak checks and samples: every drift it makes is put back, every Sync converges once
// on every commit of its source (its Converged Events), and the operator's resources over time.
import type { KubeObject } from '../../src/core/index.ts';
import type { BenchContext } from './context.ts';
import type { BenchOperator } from './operator.ts';
import { countChildren, countFds } from './proc.ts';
import { sumOf, type Sample as PromSample } from './prometheus.ts';
import { latencyMs, round, slope } from './stats.ts';
import type { Tracker } from './watch.ts';

export const INTRUDER = 'bench-intruder';
const REVISION_ANNOTATION = 'moor.dev/revision';

/** Drifts made and how each ended: put back (after how long) or not within the timeout. */
export type DriftLedger = {
  /** Changes `name`'s `value` as another field manager and watches for Moor to put it back. */
  make(name: string, intruded: string, desired: string): Promise<void>;
  /** Waits for every drift made so far to end, then counts. */
  settle(): Promise<
    { made: number; corrected: number; missed: number; unmade: number } & Partial<Latency>
  >;
};
type Latency = ReturnType<typeof latencyMs>;

const valueOf = (obj: KubeObject | undefined): string | undefined =>
  (obj?.data as Record<string, string> | undefined)?.value;

export function driftLedger(
  ctx: BenchContext,
  namespace: string,
  configMaps: Tracker,
  timeoutMs: number,
): DriftLedger {
  const pending: Promise<number | undefined>[] = [];
  let unmade = 0;
  return {
    async make(name, intruded, desired) {
      const res = await ctx.kube.apply(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, namespace },
          data: { value: intruded },
        },
        { fieldManager: INTRUDER, force: true },
        AbortSignal.any([ctx.signal, AbortSignal.timeout(30_000)]),
      );
      // A change the API server did not take (a timeout on a busy machine) is no drift made.
      if (!res.ok) {
        unmade++;
        ctx.log(`  drift of ${name} not made: ${res.error.message}`);
        return;
      }
      const applied = performance.now();
      const version = Number(res.value.metadata.resourceVersion);
      // Put back: a later version than the intruder's, with the desired value again.
      const back = (obj: KubeObject): boolean =>
        Number(obj.metadata.resourceVersion) > version && valueOf(obj) === desired;
      pending.push(
        configMaps.waitFor(name, back, timeoutMs).then(
          (seen) => seen.at - applied,
          () => undefined,
        ),
      );
    },
    async settle() {
      const ended = await Promise.all(pending);
      const latencies = ended.filter((ms): ms is number => ms !== undefined);
      return {
        made: ended.length,
        corrected: latencies.length,
        missed: ended.length - latencies.length,
        unmade,
        ...(latencies.length ? latencyMs(latencies) : {}),
      };
    },
  };
}

/** The commits each Sync should converge on, and the Converged Events it got. */
export type ConvergedLedger = {
  expect(syncs: readonly string[], sha: string): void;
  /** Every version of every Event seen (Events expire; this keeps what they said). */
  observe(event: KubeObject): void;
  /** True once every Sync converged on the last commit expected of it. */
  caughtUp(): boolean;
  count(): { expected: number; seen: number; missing: number; duplicated: number };
};

type ConvergedEvent = { sync: string; sha: string; count: number };

export function convergedLedger(): ConvergedLedger {
  const expected = new Map<string, string[]>();
  const events = new Map<string, ConvergedEvent>();
  const seenOf = (): Map<string, number> => {
    const seen = new Map<string, number>();
    for (const e of events.values()) {
      const key = `${e.sync}@${e.sha}`;
      seen.set(key, (seen.get(key) ?? 0) + e.count);
    }
    return seen;
  };
  return {
    expect(syncs, sha) {
      for (const sync of syncs) expected.set(sync, [...(expected.get(sync) ?? []), sha]);
    },
    observe(event) {
      const e = event as KubeObject & {
        reason?: string;
        count?: number;
        involvedObject?: { kind?: string; name?: string };
      };
      if (e.reason !== 'Converged' || e.involvedObject?.kind !== 'Sync') return;
      const revision = e.metadata.annotations?.[REVISION_ANNOTATION] ?? '';
      const sha = revision.slice(revision.lastIndexOf(':') + 1);
      const sync = e.involvedObject.name ?? '';
      const name = e.metadata.name ?? '';
      const count = Math.max(e.count ?? 1, events.get(name)?.count ?? 0);
      events.set(name, { sync, sha, count });
    },
    caughtUp() {
      const seen = seenOf();
      return [...expected].every(([sync, shas]) => seen.has(`${sync}@${shas.at(-1) ?? ''}`));
    },
    count() {
      const seen = seenOf();
      let [all, missing, duplicated] = [0, 0, 0];
      for (const [sync, shas] of expected)
        for (const sha of shas) {
          all++;
          const n = seen.get(`${sync}@${sha}`) ?? 0;
          if (n === 0) missing++;
          else duplicated += n - 1;
        }
      const total = [...seen.values()].reduce((a, n) => a + n, 0);
      return { expected: all, seen: total, missing, duplicated };
    },
  };
}

/** One look at the operator: seconds since the soak started, then each figure. */
export type Sample = {
  readonly t: number;
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
  readonly fds: number;
  readonly activeHandles: number;
  readonly children: number;
  /** Entries of the operator's maps keyed by Sync, source or object. */
  readonly remembered: number;
  /** Entries of its caches keyed by revision or Event, which fill up to a bound. */
  readonly bounded: number;
};

/** moor_remembered_entries maps that grow with revisions and Events, up to a fixed bound. */
const BOUNDED_MAPS: ReadonlySet<string> = new Set([
  'commit_clock_revisions',
  'event_series',
  'rendered',
]);

export async function sampleOperator(operator: BenchOperator, t: number): Promise<Sample> {
  const [memory, metrics, fds, children] = await Promise.all([
    operator.memory(),
    operator.metrics(),
    countFds(operator.pid),
    countChildren(operator.pid),
  ]);
  return {
    t: round(t, 1),
    rssMiB: round(memory.rssMiB),
    heapUsedMiB: round(sumOf(metrics, 'nodejs_heap_size_used_bytes') / 2 ** 20),
    fds,
    activeHandles: sumOf(metrics, 'nodejs_active_handles_total'),
    children,
    ...rememberedOf(metrics),
  };
}

function rememberedOf(metrics: readonly PromSample[]): { remembered: number; bounded: number } {
  let [remembered, bounded] = [0, 0];
  for (const s of metrics) {
    if (s.name !== 'moor_remembered_entries') continue;
    if (BOUNDED_MAPS.has(s.labels.map ?? '')) bounded += s.value;
    else remembered += s.value;
  }
  return { remembered, bounded };
}

const FIGURES = [
  'rssMiB',
  'heapUsedMiB',
  'fds',
  'activeHandles',
  'children',
  'remembered',
  'bounded',
] as const;

/**
 * Per figure: the first sample after the warm-up, the last, the highest, and the least-squares
 * slope per hour over the samples after the warm-up (the first fifth of the run, at least one).
 */
export function summarizeSamples(samples: readonly Sample[]): Record<string, unknown> {
  const warm = samples.slice(Math.max(1, Math.floor(samples.length / 5)));
  const out: Record<string, unknown> = { samples: samples.length, warmSamples: warm.length };
  for (const figure of FIGURES) {
    const points = warm.map((s) => ({ t: s.t / 3600, v: s[figure] }));
    out[figure] = {
      start: warm[0]?.[figure] ?? null,
      end: warm.at(-1)?.[figure] ?? null,
      max: Math.max(...samples.map((s) => s[figure])),
      slopePerHour: round(slope(points), 2),
    };
  }
  return out;
}
