/** The one backoff: exponential with a cap, and jitter for periodic intervals (pure; randomness injected). */

/** A random number in [0, 1), injected. */
export type Random = () => number;

/** Delay before retry number `failures` (1-based): base·2^(failures-1), capped at max. */
export function backoffDelay(failures: number, baseMs: number, maxMs: number): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(baseMs * 2 ** exponent, maxMs);
}

/** Spreads a periodic interval by ±fraction so many resources don't fire in step. */
export function jitter(intervalMs: number, random: Random, fraction = 0.1): number {
  const spread = intervalMs * fraction;
  return Math.max(0, Math.round(intervalMs - spread + random() * 2 * spread));
}
