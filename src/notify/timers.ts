// Monotonic time and cancellable sleeps for rate limits and backoff (injectable for tests).
import { setTimeout as sleepFor } from 'node:timers/promises';

export type Timers = {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
};

export const realTimers: Timers = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleepFor(ms, undefined, { signal }).catch(() => undefined),
};

export type TokenBucket = {
  /** Waits until a token is available and takes it. */
  take(signal: AbortSignal): Promise<void>;
};

/** Allows `burst` at once, then `ratePerSecond` on average. */
export function createTokenBucket(
  ratePerSecond: number,
  burst: number,
  timers: Timers,
): TokenBucket {
  let tokens = burst;
  let last = timers.now();
  const refill = (): void => {
    const now = timers.now();
    tokens = Math.min(burst, tokens + ((now - last) * ratePerSecond) / 1000);
    last = now;
  };
  return {
    async take(signal) {
      refill();
      if (tokens < 1) {
        await timers.sleep(Math.ceil(((1 - tokens) * 1000) / ratePerSecond), signal);
        refill();
      }
      tokens -= 1;
    },
  };
}

/** Exponential backoff: `initialMs`, twice that, … capped at `maxMs`. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
}
