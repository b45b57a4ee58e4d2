// The real context of `bin/moor` (process streams, clock, signals, cluster) and one run of the CLI.
import { readFileSync } from 'node:fs';
import { systemClock } from '../core/index.ts';
import type { CliContext } from './context.ts';
import { connectReal } from './context.ts';
import { runCli } from './run.ts';

/** After SIGINT/SIGTERM, the most a command may take to wind down before the process exits. */
const SHUTDOWN_GRACE_MS = 15_000;

export async function startCli(args: readonly string[]): Promise<number> {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  const controller = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      controller.abort();
      setTimeout(() => process.exit(process.exitCode ?? 0), SHUTDOWN_GRACE_MS).unref();
    });
  }
  const ctx: CliContext = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    clock: systemClock,
    signal: controller.signal,
    version: pkg.version,
    connect: connectReal,
  };
  const code = await runCli(args, ctx);
  // A failed command ends now, with its message printed, even when something it started (a
  // connection pool, a timer) would keep the event loop alive a while longer.
  if (code !== 0) setTimeout(() => process.exit(code), 100).unref();
  return code;
}
