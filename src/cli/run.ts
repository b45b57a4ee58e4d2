// Runs the program once and turns every outcome into an exit code and, on failure, one message.
import { CommanderError } from '@commander-js/extra-typings';
import { MoorError } from '../core/index.ts';
import type { CliContext } from './context.ts';
import { CliError, ExitCodes, type ExitCode } from './errors.ts';
import { createProgram } from './program.ts';

/** Parses `args` (without node and script), runs the command, returns the exit code. */
export async function runCli(args: readonly string[], ctx: CliContext): Promise<ExitCode> {
  try {
    const program = await createProgram(ctx, args);
    if (args.length === 0) {
      // `moor` alone asks what there is: the help, on stdout, as a success.
      program.outputHelp();
      return ExitCodes.Success;
    }
    await program.parseAsync([...args], { from: 'user' });
    return ExitCodes.Success;
  } catch (e) {
    return reportError(e, ctx);
  }
}

function reportError(e: unknown, ctx: CliContext): ExitCode {
  // Commander has printed its own message (or the help/version it was asked for).
  if (e instanceof CommanderError) return e.exitCode === 0 ? ExitCodes.Success : ExitCodes.Error;
  if (e instanceof CliError) {
    // A command that has said everything already (`diff` found changes) exits without a message.
    if (e.message) ctx.stderr(`error: ${e.message}\n`);
    return e.data.exitCode;
  }
  if (e instanceof MoorError) {
    ctx.stderr(`error: ${e.message}\n`);
    return ExitCodes.Error;
  }
  // A bug: keep the stack.
  ctx.stderr(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return ExitCodes.Error;
}
