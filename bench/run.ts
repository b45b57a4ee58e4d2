// `npm run bench`: measures Moor against the ceiling of the API server, in one run. Starts a local
// control plane (or uses --kubeconfig), runs the scenarios, writes bench/results/latest.json and
// latest.md (or --out FILE.json and FILE.md) and prints the table.
//
//   node bench/run.ts [--only push,noop] [--quick] [--kubeconfig PATH] [--objects 1000] …
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKubeClient } from '../src/kube/index.ts';
import { installCrds } from '../test/helpers/operator.ts';
import { parseBenchArgs, type ScenarioName } from './lib/args.ts';
import { openCluster } from './lib/cluster.ts';
import type { BenchContext, LocalContext } from './lib/context.ts';
import { createConfigMapSync, type ConfigMapSync } from './lib/fixture.ts';
import { describeMachine } from './lib/machine.ts';
import { readClockTicks } from './lib/proc.ts';
import { renderCostCurve, renderMarkdown, renderTable, type Results } from './lib/report.ts';
import { runCeiling } from './scenarios/ceiling.ts';
import { runCli } from './scenarios/cli.ts';
import { runCost } from './scenarios/cost.ts';
import { runDrift } from './scenarios/drift.ts';
import { runGitSource } from './scenarios/git.ts';
import { runImage } from './scenarios/image.ts';
import { runManySyncs } from './scenarios/many-syncs.ts';
import { runNoop } from './scenarios/noop.ts';
import { runPush } from './scenarios/push.ts';
import { runSharedSource } from './scenarios/shared-source.ts';
import { runStartup } from './scenarios/startup.ts';
import { runSoak } from './scenarios/soak.ts';
import { runSteady } from './scenarios/steady.ts';
import { runHelm } from './scenarios/helm.ts';
import { runUi } from './scenarios/ui.ts';
import { runTakeover } from './scenarios/takeover.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** A whole run's limit: an hour, or the soak's --minutes plus half an hour when it runs. */
const RUN_TIMEOUT_MS = 60 * 60_000;
const SOAK_MARGIN_MS = 30 * 60_000;

function runTimeoutMs(scenarios: readonly string[], soakMinutes: number): number {
  if (!scenarios.includes('soak')) return RUN_TIMEOUT_MS;
  return Math.max(RUN_TIMEOUT_MS, soakMinutes * 60_000 + SOAK_MARGIN_MS);
}

type Scenario = (ctx: BenchContext, fixture: () => Promise<ConfigMapSync>) => Promise<Results>;
type LocalScenario = (ctx: LocalContext) => Promise<Results>;

/** Scenarios that need no API server: a run of only these starts none. */
const localScenarios: Readonly<Partial<Record<ScenarioName, LocalScenario>>> = {
  git: (ctx) => runGitSource(ctx),
  ui: (ctx) => runUi(ctx),
};

const scenarios: Readonly<Record<Exclude<ScenarioName, 'git' | 'ui'>, Scenario>> = {
  ceiling: (ctx) => runCeiling(ctx),
  push: async (ctx, fixture) => runPush(ctx, await fixture()),
  noop: async (ctx, fixture) => runNoop(ctx, await fixture()),
  drift: async (ctx, fixture) => runDrift(ctx, await fixture()),
  'many-syncs': (ctx) => runManySyncs(ctx),
  steady: (ctx) => runSteady(ctx),
  cli: (ctx) => runCli(ctx),
  image: (ctx) => runImage(ctx),
  cost: (ctx) => runCost(ctx),
  'shared-source': (ctx) => runSharedSource(ctx),
  startup: (ctx) => runStartup(ctx),
  soak: (ctx) => runSoak(ctx),
  helm: (ctx) => runHelm(ctx),
  takeover: (ctx) => runTakeover(ctx),
};
/** Scenarios that share the N-ConfigMap Sync; it is closed after the last of them. */
const usesFixture = new Set<ScenarioName>(['push', 'noop', 'drift']);

const log = (line: string): void => console.log(line);

function runScenario(
  name: ScenarioName,
  ctx: LocalContext | BenchContext,
  fixture: () => Promise<ConfigMapSync>,
): Promise<Results> {
  const local = localScenarios[name];
  if (local) return local(ctx);
  if (!('kube' in ctx) || name === 'git' || name === 'ui')
    throw new Error(`scenario ${name} needs an API server`);
  return scenarios[name](ctx, fixture);
}

async function runAll(
  ctx: LocalContext | BenchContext,
  names: readonly ScenarioName[],
): Promise<Results> {
  const results: Results = {};
  const errors: Record<string, string> = {};
  let fixture: Promise<ConfigMapSync> | undefined;
  const lastFixtureUser = names.filter((n) => usesFixture.has(n)).pop();
  for (const name of names) {
    const started = performance.now();
    log(`== ${name}`);
    try {
      Object.assign(
        results,
        await runScenario(name, ctx, () => (fixture ??= createConfigMapSync(ctx as BenchContext))),
      );
    } catch (error) {
      errors[name] = (error as Error).message;
      log(`  FAILED: ${(error as Error).stack ?? String(error)}`);
    }
    if (name === lastFixtureUser && fixture) {
      await (await fixture.catch(() => undefined))?.close();
      fixture = undefined;
    }
    log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  if (Object.keys(errors).length) results.errors = errors;
  return results;
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseBenchArgs(process.argv.slice(2), root);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const machine = describeMachine(new Date());
  const started = performance.now();
  const controller = new AbortController();
  const signal = AbortSignal.any([
    controller.signal,
    AbortSignal.timeout(runTimeoutMs(args.scenarios, args.sizes.soakMinutes)),
  ]);
  const workDir = await mkdtemp(join(tmpdir(), 'moor-bench-'));
  const needsCluster = args.scenarios.some((name) => localScenarios[name] === undefined);
  const cluster = needsCluster
    ? await openCluster({
        ...(args.kubeconfig ? { kubeconfig: args.kubeconfig } : {}),
        workDir,
        signal,
        log,
      })
    : undefined;
  // Interrupted: stop the operators (they watch the signal) and the control plane, then leave.
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      controller.abort(new Error(`interrupted by ${sig}`));
      void (cluster?.stop() ?? Promise.resolve()).finally(() =>
        setTimeout(() => process.exit(130), 2_000),
      );
    });
  let results: Results;
  try {
    const local: LocalContext = { workDir, sizes: args.sizes, signal, log };
    let ctx: LocalContext | BenchContext = local;
    if (cluster) {
      const kube = createKubeClient({ kubeconfig: cluster.kubeconfig });
      await installCrds(kube);
      ctx = {
        ...local,
        kube,
        kubeconfig: cluster.kubeconfig,
        ...(cluster.kubectl ? { kubectl: cluster.kubectl } : {}),
        clockTicks: await readClockTicks(),
        ...(args.cpuProfDir ? { cpuProfDir: args.cpuProfDir } : {}),
        ...(args.heapSnapshotDir ? { heapSnapshotDir: args.heapSnapshotDir } : {}),
        ...(args.operatorNodeOptions ? { operatorNodeOptions: args.operatorNodeOptions } : {}),
      };
    }
    const measured = await runAll(ctx, args.scenarios);
    results = {
      machine,
      cluster: cluster?.origin ?? 'none',
      quick: args.quick,
      scenarios: args.scenarios,
      sizes: args.sizes,
      durationSeconds: Math.round((performance.now() - started) / 1000),
      ...measured,
    };
  } finally {
    await cluster?.stop();
  }
  await mkdir(dirname(args.out), { recursive: true });
  await writeFile(args.out, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(args.out.replace(/\.json$/, '') + '.md', renderMarkdown(results));
  log('');
  log(renderTable(results));
  for (const line of renderCostCurve(results)) log(line);
  log('');
  log(`wrote ${args.out}`);
  if (results.errors || args.keep) {
    log(`operator logs are kept in ${workDir}`);
    return results.errors ? 1 : 0;
  }
  await rm(workDir, { recursive: true, force: true });
  return 0;
}

// Lingering keep-alive sockets must not keep a finished run alive.
process.exit(await main());
