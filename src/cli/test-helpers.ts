// Shared by this part's tests (not part of the public API): runs the program in-process.
import { systemClock } from '../core/index.ts';
import type { CliContext } from './context.ts';
import { runCli } from './run.ts';

export type CliRun = { readonly code: number; readonly stdout: string; readonly stderr: string };

/** Runs `moor args…` with captured output; any attempt to reach a cluster fails the command. */
export async function runInProcess(
  args: readonly string[],
  opts: { readonly now?: Date; readonly connect?: CliContext['connect'] } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    clock: { ...systemClock, now: () => opts.now ?? new Date('2024-05-01T12:00:00Z') },
    signal: AbortSignal.timeout(30_000),
    version: '9.9.9-test',
    connect:
      opts.connect ??
      (() => {
        throw new Error('this test has no cluster');
      }),
  };
  const code = await runCli(args, ctx);
  return { code, stdout, stderr };
}
