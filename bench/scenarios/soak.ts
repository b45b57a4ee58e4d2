// Soak: S Syncs of two ConfigMaps each, spread over G GitRepositories (one repository each,
// polled), for --minutes. Every 10 s a commit to the next source in turn changes the first
// ConfigMap of one of its Syncs (every Sync of that source gets a new revision); every 5 s another
// field manager changes the second ConfigMap of a Sync (drift). Every 10 s the operator is sampled:
// RSS, V8 heap, open file descriptors, active handles, child processes, remembered entries; each
// figure's slope per hour is reported. Checked: every drift was put back, and every Sync got
// exactly one Converged Event for each revision of its source (the first one included).
// With --soak-heap-at S,… and --heap-snapshots DIR, a V8 heap snapshot of the operator is taken S
// seconds into the soak (each one pauses the operator for as long as it takes to write).
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestRepo } from '../../test/helpers/git-server.ts';
import { createTestRepo, fileUrl } from '../../test/helpers/git-server.ts';
import {
  createNamespace,
  deleteNamespaces,
  startBenchOperator,
  withCleanup,
  type BenchContext,
} from '../lib/context.ts';
import { benchConfigMap, configMapValue } from '../lib/repo.ts';
import { applyAs, MOOR_API, sourceObject, syncObject } from '../lib/resources.ts';
import {
  convergedLedger,
  driftLedger,
  sampleOperator,
  summarizeSamples,
  type Sample,
} from '../lib/soak-checks.ts';
import type { BenchOperator } from '../lib/operator.ts';
import { round } from '../lib/stats.ts';
import { isReadyOn, trackKind } from '../lib/watch.ts';

const COMMIT_MS = 10_000;
const DRIFT_MS = 5_000;
const SAMPLE_MS = 10_000;
const DRIFT_TIMEOUT_MS = 60_000;
const CATCH_UP_TIMEOUT_MS = 180_000;
const pad = (n: number): string => String(n).padStart(4, '0');

type Source = { readonly name: string; readonly repo: TestRepo; readonly syncs: string[] };

const objectsOf = (sync: string, generation: number): string =>
  [benchConfigMap(`${sync}-a`, generation), benchConfigMap(`${sync}-b`)].join('---\n');

/** Sync s goes to source s mod G; its path (and name) is `s-NNNN`, its ConfigMaps `s-NNNN-a|b`. */
async function createSources(syncs: number, count: number): Promise<Source[]> {
  const sources: Source[] = [];
  for (let g = 0; g < count; g++) {
    const names = Array.from({ length: syncs }, (_, s) => s)
      .filter((s) => s % count === g)
      .map((s) => `s-${pad(s)}`);
    const files = Object.fromEntries(names.map((n) => [`${n}/objects.yaml`, objectsOf(n, 0)]));
    const repo = await createTestRepo({ name: `soak-${g}`, files });
    sources.push({ name: `src-${pad(g)}`, repo, syncs: names });
  }
  return sources;
}

/** Polls well within each source's commit period, so that no commit is skipped. */
function pollInterval(sources: number): string {
  const periodSeconds = (sources * COMMIT_MS) / 1000;
  return `${Math.min(30, Math.max(2, Math.floor(periodSeconds / 4)))}s`;
}

export async function runSoak(ctx: BenchContext): Promise<Record<string, unknown>> {
  const { soakMinutes, soakSyncs, soakHeapAt } = ctx.sizes;
  if (soakHeapAt.length && !ctx.heapSnapshotDir)
    throw new Error('--soak-heap-at needs --heap-snapshots DIR (where the snapshots go)');
  const sourceCount = Math.min(ctx.sizes.soakSources, soakSyncs);
  const sources = await createSources(soakSyncs, sourceCount);
  return withCleanup(async (defer) => {
    for (const s of sources) defer(() => s.repo.close());
    const namespace = await createNamespace(ctx, 'soak');
    defer(() => deleteNamespaces(ctx, [namespace]));
    const operator = await startBenchOperator(ctx, namespace);
    defer(() => operator.stop());
    const converged = convergedLedger();
    const target = { namespace, signal: ctx.signal };
    const track = (apiVersion: string, kind: string, onVersion?: Parameters<typeof trackKind>[3]) =>
      trackKind(
        ctx.kube,
        { apiVersion, kind, namespace: target.namespace },
        target.signal,
        onVersion,
      );
    const events = await track('v1', 'Event', (e) => converged.observe(e));
    defer(() => Promise.resolve(events.stop()));
    const syncs = await track(MOOR_API, 'Sync');
    defer(() => Promise.resolve(syncs.stop()));
    const configMaps = await track('v1', 'ConfigMap');
    defer(() => Promise.resolve(configMaps.stop()));

    const interval = pollInterval(sourceCount);
    const started = performance.now();
    for (const s of sources) {
      await applyAs(ctx, sourceObject(namespace, s.name, fileUrl(s.repo), interval));
      converged.expect(s.syncs, await s.repo.revParse('HEAD'));
      for (const path of s.syncs)
        await applyAs(ctx, syncObject(namespace, path, { source: s.name, path, interval: '10m' }));
    }
    await syncs.waitForAll(
      (all) => all.filter(isReadyOn()).length >= soakSyncs,
      Math.max(180_000, soakSyncs * 1_000),
    );
    const readySeconds = round((performance.now() - started) / 1000, 1);
    ctx.log(`  ${soakSyncs} Syncs over ${sourceCount} sources Ready in ${readySeconds} s`);

    const drifts = driftLedger(ctx, namespace, configMaps, DRIFT_TIMEOUT_MS);
    const heapSnapshots: { atSeconds: number; path: string | null }[] = [];
    const samples = await soakFor(ctx, operator, soakMinutes * 60_000, {
      commit: async (k) => {
        const source = sources[k % sources.length];
        const sync = source?.syncs[Math.floor(k / sources.length) % source.syncs.length];
        if (!source || !sync) return;
        const files = { [`${sync}/objects.yaml`]: objectsOf(sync, k + 1) };
        converged.expect(source.syncs, await source.repo.commit(files, `soak commit ${k}`));
      },
      drift: async (k) => {
        const sync = `s-${pad((k * 7) % soakSyncs)}`;
        await drifts.make(`${sync}-b`, `intruder-${k}`, configMapValue(0));
      },
      heapAt: soakHeapAt,
      heapSnapshot: async (atSeconds) => {
        const path = (await operator.heapSnapshot()) ?? null;
        ctx.log(`  heap snapshot at ${atSeconds} s: ${path ?? 'not written within 120 s'}`);
        heapSnapshots.push({ atSeconds, path });
        await answering(operator);
      },
    });
    const caughtUp = await waitCaughtUp(() => converged.caughtUp(), CATCH_UP_TIMEOUT_MS);
    const drift = await drifts.settle();
    const feedback = { ...converged.count(), caughtUp };
    ctx.log(`  drift: ${JSON.stringify(drift)}; Converged: ${JSON.stringify(feedback)}`);
    return {
      soak: {
        minutes: soakMinutes,
        syncs: soakSyncs,
        sources: sourceCount,
        objects: soakSyncs * 2,
        pollInterval: interval,
        readySeconds,
        commits: Math.floor((soakMinutes * 60_000) / COMMIT_MS),
        drift,
        converged: feedback,
        ...(heapSnapshots.length ? { heapSnapshots } : {}),
        ...summarizeSamples(samples),
        timeline: samples,
      },
    };
  });
}

/** Once a heap snapshot is written: until the operator answers /metrics again (bounded). */
async function answering(operator: BenchOperator): Promise<void> {
  for (let i = 0; i < 12; i++) {
    if (
      await operator.metrics().then(
        () => true,
        () => false,
      )
    )
      return;
    await sleep(1_000);
  }
}

async function waitCaughtUp(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (check()) return true;
    await sleep(1_000);
  }
  return check();
}

/**
 * Runs for `durationMs`: `commit(k)` every COMMIT_MS, `drift(k)` every DRIFT_MS, samples the
 * operator every SAMPLE_MS (once more at the end) and takes a heap snapshot at each of `heapAt`
 * seconds within the run. Each step starts on its own schedule; a slow step delays only its own
 * next one.
 */
async function soakFor(
  ctx: BenchContext,
  operator: Parameters<typeof sampleOperator>[0],
  durationMs: number,
  steps: {
    commit: (k: number) => Promise<void>;
    drift: (k: number) => Promise<void>;
    heapAt: readonly number[];
    heapSnapshot: (atSeconds: number) => Promise<void>;
  },
): Promise<Sample[]> {
  const started = performance.now();
  const end = started + durationMs;
  const samples: Sample[] = [];
  const every = async (periodMs: number, step: (k: number) => Promise<void>): Promise<void> => {
    for (let k = 0; ; k++) {
      const at = started + (k + 1) * periodMs;
      if (at > end) return;
      // A run cut short (its time limit, or Ctrl-C) says so, rather than failing on whatever
      // step meets the stopped operator first.
      await sleep(Math.max(0, at - performance.now()), undefined, { signal: ctx.signal });
      await step(k);
    }
  };
  // A heap snapshot stops the operator while V8 writes it: samples and snapshots take turns.
  let turn: Promise<unknown> = Promise.resolve();
  const exclusive = (step: () => Promise<void>): Promise<void> => {
    const run = turn.then(step);
    turn = run.catch(() => undefined);
    return run;
  };
  const sample = (): Promise<void> =>
    exclusive(async () => {
      const taken = await sampleOperator(operator, (performance.now() - started) / 1000);
      // About once a minute, so that a long run's log shows its course as it goes.
      if (samples.length % 6 === 0) ctx.log(`  sample ${JSON.stringify(taken)}`);
      samples.push(taken);
    });
  const snapshots = async (): Promise<void> => {
    for (const atSeconds of [...steps.heapAt].sort((a, b) => a - b)) {
      const at = started + Math.min(atSeconds * 1000, durationMs);
      await sleep(Math.max(0, at - performance.now()), undefined, { signal: ctx.signal });
      await exclusive(() => steps.heapSnapshot(atSeconds));
    }
  };
  await sample();
  await Promise.all([
    every(COMMIT_MS, steps.commit),
    every(DRIFT_MS, steps.drift),
    every(SAMPLE_MS, () => sample()),
    snapshots(),
  ]);
  const minutes = round((performance.now() - started) / 60_000, 1);
  ctx.log(`  soaked ${minutes} min: ${samples.length} samples`);
  return samples;
}
