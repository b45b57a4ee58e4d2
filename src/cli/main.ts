// Entry point of `bin/moor`: the real context (process streams, clock, signals, cluster).
import { readFileSync } from 'node:fs';
import { connectReal, runCli, type CliContext } from './index.ts';

/** After SIGINT/SIGTERM, the most a command may take to wind down before the process exits. */
const SHUTDOWN_GRACE_MS = 15_000;

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
  now: () => new Date(),
  signal: controller.signal,
  version: pkg.version,
  connect: connectReal,
};

process.exitCode = await runCli(process.argv.slice(2), ctx);
