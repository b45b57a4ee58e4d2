// A per-Provider rate limit on the injected clock (its monotonic time and cancellable sleep).
import type { Clock } from '../core/index.ts';

export type TokenBucket = {
  /** Waits until a token is available and takes it. */
  take(signal: AbortSignal): Promise<void>;
};

/** Allows `burst` at once, then `ratePerSecond` on average. */
export function createTokenBucket(
  ratePerSecond: number,
  burst: number,
  clock: Pick<Clock, 'monotonic' | 'sleep'>,
): TokenBucket {
  let tokens = burst;
  let last = clock.monotonic();
  const refill = (): void => {
    const now = clock.monotonic();
    tokens = Math.min(burst, tokens + ((now - last) * ratePerSecond) / 1000);
    last = now;
  };
  return {
    async take(signal) {
      refill();
      if (tokens < 1) {
        await clock.sleep(Math.ceil(((1 - tokens) * 1000) / ratePerSecond), signal);
        refill();
      }
      tokens -= 1;
    },
  };
}
