// Bounded polling for commands that wait (install, reconcile --wait).
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from './errors.ts';

export type PollOptions = {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly signal: AbortSignal;
  /** Milliseconds on a monotonic clock; default `performance.now`. */
  readonly monotonic?: () => number;
};

/**
 * Calls `probe` until it returns a value (returned) or `timeoutMs` passes (`undefined`).
 * Throws `CliError` when `signal` aborts (Ctrl-C).
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  opts: PollOptions,
): Promise<T | undefined> {
  const monotonic = opts.monotonic ?? (() => performance.now());
  const deadline = monotonic() + opts.timeoutMs;
  for (;;) {
    if (opts.signal.aborted) throw interrupted();
    const value = await probe();
    if (value !== undefined) return value;
    const left = deadline - monotonic();
    if (left <= 0) return undefined;
    try {
      await sleep(Math.min(opts.intervalMs, left), undefined, { signal: opts.signal });
    } catch {
      throw interrupted();
    }
  }
}

function interrupted(): CliError {
  return new CliError('interrupted');
}
