// Push to converged: commits that each change one ConfigMap of the N-object Sync; the time from
// the commit until the Sync reports that revision applied and Ready (seen through a watch). Once
// with a generic Receiver called right after each commit (source interval 1h), once by polling
// (source interval 1s).
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext } from '../lib/context.ts';
import { SOURCE, SYNC, type ConfigMapSync } from '../lib/fixture.ts';
import { benchConfigMap } from '../lib/repo.ts';
import { callWebhook, createReceiver } from '../lib/receiver.ts';
import { readRevisionTimes } from '../lib/oplog.ts';
import { latencyMs, median, round } from '../lib/stats.ts';
import { isReadyOn } from '../lib/watch.ts';

const CONVERGE_TIMEOUT_MS = 60_000;
/** Golden-ratio steps spread the commit times evenly over the polling interval. */
const PHASE_STEP = 0.618_034;

type Commit = { sha: string; committedAt: number; latencyMs: number };

/** Commits `count` one-object changes and times each from the commit until converged. */
async function measureCommits(
  fx: ConfigMapSync,
  count: number,
  opts: { first: number; afterCommit: () => Promise<void>; pauseMs: (i: number) => number },
): Promise<Commit[]> {
  const commits: Commit[] = [];
  for (let i = 0; i < count; i++) {
    const generation = opts.first + i;
    const name = fx.names[generation % fx.names.length] ?? '';
    const sha = await fx.repo.commit(
      { [`cms/${name}.yaml`]: benchConfigMap(name, generation) },
      `change ${name}`,
    );
    const committed = performance.now();
    const committedAt = Date.now();
    const converged = fx.syncs.waitFor(SYNC, isReadyOn(sha), CONVERGE_TIMEOUT_MS);
    await opts.afterCommit();
    commits.push({ sha, committedAt, latencyMs: (await converged).at - committed });
    await sleep(opts.pauseMs(i));
  }
  return commits;
}

/**
 * Where the time went, from the operator's log (ms resolution): commit → artifact (delivery or
 * poll, git fetch, artifact), artifact → applied (render, plan, apply), applied → seen Ready
 * (status write, watch).
 */
async function phasesOf(fx: ConfigMapSync, commits: readonly Commit[]) {
  const times = await readRevisionTimes(fx.operator.logPath);
  const fetch: number[] = [];
  const apply: number[] = [];
  const report: number[] = [];
  for (const c of commits) {
    const t = times.get(c.sha);
    if (t?.artifactAt === undefined || t.appliedAt === undefined) continue;
    fetch.push(t.artifactAt - c.committedAt);
    apply.push(t.appliedAt - t.artifactAt);
    report.push(c.committedAt + c.latencyMs - t.appliedAt);
  }
  if (fetch.length === 0) return {};
  return {
    phasesMs: {
      toArtifact: round(median(fetch)),
      artifactToApplied: round(median(apply)),
      appliedToReady: round(median(report)),
    },
  };
}

async function summarizeCommits(fx: ConfigMapSync, commits: readonly Commit[]) {
  return { ...latencyMs(commits.map((c) => c.latencyMs)), ...(await phasesOf(fx, commits)) };
}

export async function runPush(
  ctx: BenchContext,
  fx: ConfigMapSync,
): Promise<Record<string, unknown>> {
  const { commits } = ctx.sizes;
  await fx.setIntervals({ source: '1h', sync: '1h' });
  const hook = `${fx.operator.url}${await createReceiver(ctx, fx.namespace, SOURCE)}`;
  const webhook = await measureCommits(fx, commits, {
    first: 1,
    afterCommit: () => callWebhook(hook),
    pauseMs: () => 200,
  });
  const webhookSummary = await summarizeCommits(fx, webhook);
  ctx.log(`  webhook: ${JSON.stringify(webhookSummary)}`);

  await fx.setIntervals({ source: '1s', sync: '1h' });
  const polling = await measureCommits(fx, commits, {
    first: 1 + commits,
    afterCommit: () => Promise.resolve(),
    pauseMs: (i) => Math.round(((i * PHASE_STEP) % 1) * 1000),
  });
  const pollingSummary = await summarizeCommits(fx, polling);
  ctx.log(`  polling: ${JSON.stringify(pollingSummary)}`);
  await fx.setIntervals({ source: '1h', sync: '1h' });
  return {
    pushToConverged: {
      objects: fx.names.length,
      commits,
      webhook: webhookSummary,
      polling: { ...pollingSummary, sourceInterval: '1s' },
    },
  };
}
