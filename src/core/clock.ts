// The one clock: wall time, monotonic time and a cancellable sleep, injected everywhere. This is
// the only place that reads the system's time; everything else is handed a `Clock` (or the
// `Pick` of it that it uses), so tests can drive time.
import { setTimeout as sleepFor } from 'node:timers/promises';

export type Clock = {
  /** Wall-clock time: what status, events and payloads are stamped with. */
  now(): Date;
  /** Milliseconds on a monotonic clock: durations, deadlines, rate limits. */
  monotonic(): number;
  /** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
};

export const systemClock: Clock = {
  now: () => new Date(),
  monotonic: () => performance.now(),
  sleep: (ms, signal) => sleepFor(ms, undefined, { signal }).catch(() => undefined),
};
