// CLI start-up: `moor --version`, `moor get syncs -A` (a few Syncs to list) and, as the yardstick,
// `kubectl get syncs.moor.dev -A`, each run as a whole process, in turn, over several runs after
// one uncounted warm-up (which fills the CLI's compile cache, as any first run on a machine does).
// Wall time from this process's monotonic clock; CPU and peak RSS from GNU time (the kernel's
// accounting of the finished child).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createNamespace,
  deleteNamespaces,
  withCleanup,
  type BenchContext,
} from '../lib/context.ts';
import { applyAs, sourceObject, syncObject } from '../lib/resources.ts';
import { median, round } from '../lib/stats.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SYNCS = 5;
const RUN_TIMEOUT_MS = 60_000;

type Sample = { readonly wallMs: number; readonly cpuMs: number; readonly rssMiB: number };
type Command = { readonly name: string; readonly file: string; readonly args: readonly string[] };

/** One run of `file args…` under GNU time; throws when the command fails. */
function timeOnce(ctx: BenchContext, command: Command, env: NodeJS.ProcessEnv): Promise<Sample> {
  const out = join(ctx.workDir, `cli-time-${command.name}.txt`);
  const argv = ['-f', '%U %S %M', '-o', out, command.file, ...command.args];
  return new Promise((done, fail) => {
    const started = performance.now();
    execFile(
      '/usr/bin/time',
      argv,
      { env, timeout: RUN_TIMEOUT_MS, signal: ctx.signal },
      (error, _stdout, stderr) => {
        const wallMs = performance.now() - started;
        if (error) {
          fail(new Error(`${command.name} failed: ${error.message}\n${stderr.slice(-2000)}`));
          return;
        }
        void readFile(out, 'utf8').then((text) => {
          const [user, sys, maxKib] = (text.trim().split('\n').pop() ?? '').split(' ').map(Number);
          done({
            wallMs,
            cpuMs: ((user ?? Number.NaN) + (sys ?? Number.NaN)) * 1000,
            rssMiB: (maxKib ?? Number.NaN) / 1024,
          });
        }, fail);
      },
    );
  });
}

function summary(samples: readonly Sample[]) {
  return {
    wallMs: round(median(samples.map((s) => s.wallMs))),
    cpuMs: round(median(samples.map((s) => s.cpuMs))),
    rssMiB: round(median(samples.map((s) => s.rssMiB))),
    n: samples.length,
  };
}

export async function runCli(ctx: BenchContext): Promise<Record<string, unknown>> {
  return withCleanup(async (defer) => {
    const namespace = await createNamespace(ctx, 'cli');
    defer(() => deleteNamespaces(ctx, [namespace]));
    await applyAs(ctx, sourceObject(namespace, 'src', 'https://git.invalid/r.git', '10m'));
    for (let i = 0; i < SYNCS; i++) {
      const name = `app-${i}`;
      await applyAs(
        ctx,
        syncObject(namespace, name, { source: 'src', path: name, interval: '10m' }),
      );
    }
    const moor = join(root, 'bin', 'moor');
    const kubeconfig = ['--kubeconfig', ctx.kubeconfig];
    const commands: readonly Command[] = [
      { name: 'version', file: moor, args: ['--version'] },
      { name: 'getSyncs', file: moor, args: [...kubeconfig, 'get', 'syncs', '-A'] },
      {
        name: 'kubectl',
        file: ctx.kubectl ?? 'kubectl',
        args: [...kubeconfig, 'get', 'syncs.moor.dev', '-A'],
      },
    ];
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/',
      LC_ALL: 'C',
      MOOR_COMPILE_CACHE: join(ctx.workDir, 'cli-compile-cache'),
    };
    const samples = new Map<string, Sample[]>(commands.map((c) => [c.name, []]));
    for (const command of commands) await timeOnce(ctx, command, env);
    for (let run = 0; run < ctx.sizes.cliRuns; run++) {
      for (const command of commands)
        samples.get(command.name)?.push(await timeOnce(ctx, command, env));
    }
    const figures = Object.fromEntries(
      commands.map((c) => [c.name, summary(samples.get(c.name) ?? [])]),
    );
    ctx.log(
      `  moor get syncs -A: ${figures.getSyncs?.wallMs} ms wall, ${figures.getSyncs?.cpuMs} ms CPU; ` +
        `kubectl: ${figures.kubectl?.wallMs} ms wall`,
    );
    return { cli: { syncs: SYNCS, runs: ctx.sizes.cliRuns, ...figures } };
  });
}
