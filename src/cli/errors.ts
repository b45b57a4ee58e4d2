// Errors the CLI expects: a message for stderr and an exit code, never a stack trace.
import { MoorError } from '../core/index.ts';
import type { KubeError } from '../kube/index.ts';

/** Exit codes of every command (DESIGN.md "CLI"). */
export const ExitCodes = {
  Success: 0,
  /** A command that compares found differences. */
  Differences: 1,
  Error: 2,
} as const;
export type ExitCode = (typeof ExitCodes)[keyof typeof ExitCodes];

export type CliErrorData = { readonly exitCode: ExitCode };

/** An expected failure of a command: printed as its message, exits with `exitCode` (2 unless told). */
export class CliError extends MoorError<'CliError', CliErrorData> {
  constructor(
    message: string,
    options?: { readonly exitCode?: ExitCode; readonly cause?: unknown },
  ) {
    super(
      'CliError',
      message,
      { exitCode: options?.exitCode ?? ExitCodes.Error },
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
  }
}

/** How the CLI names an object in messages: `Sync/default/web`. */
export type Subject = { readonly kind: string; readonly namespace?: string; readonly name: string };

export function formatSubject(s: Subject): string {
  return s.namespace ? `${s.kind}/${s.namespace}/${s.name}` : `${s.kind}/${s.name}`;
}

export function notFoundError(subject: Subject): CliError {
  return new CliError(`${formatSubject(subject)} not found`);
}

const installHint = 'is Moor installed? run `moor install`';

/** A failed API call as the user should read it, naming `subject` when the object is missing. */
export function cliErrorFromKube(error: KubeError, subject?: Subject): CliError {
  if (error.code === 'NotFound' && subject) return notFoundError(subject);
  if (error.code === 'UnknownKind') {
    return new CliError(`${error.message} (${installHint})`, { cause: error });
  }
  return new CliError(error.message, { cause: error });
}
