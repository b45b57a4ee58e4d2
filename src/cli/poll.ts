// Bounded polling for commands that wait (install, reconcile --wait).
import type { Clock } from '../core/index.ts';
import { CliError } from './errors.ts';

export type PollOptions = {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly signal: AbortSignal;
  /** Deadlines on its monotonic time; waits with its sleep. */
  readonly clock: Pick<Clock, 'monotonic' | 'sleep'>;
};

/**
 * Calls `probe` until it returns a value (returned) or `timeoutMs` passes (`undefined`).
 * Throws `CliError` when `signal` aborts (Ctrl-C).
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  opts: PollOptions,
): Promise<T | undefined> {
  const { clock } = opts;
  const deadline = clock.monotonic() + opts.timeoutMs;
  for (;;) {
    if (opts.signal.aborted) throw interrupted();
    const value = await probe();
    if (value !== undefined) return value;
    const left = deadline - clock.monotonic();
    if (left <= 0) return undefined;
    await clock.sleep(Math.min(opts.intervalMs, left), opts.signal);
    if (opts.signal.aborted) throw interrupted();
  }
}

function interrupted(): CliError {
  return new CliError('interrupted');
}
