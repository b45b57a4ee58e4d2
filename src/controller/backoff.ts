/** Jitter for periodic intervals (pure; randomness injected), next to the one backoff (core/). */
export type Random = () => number;

export { backoffDelay } from '../core/index.ts';

/** Spreads a periodic interval by ±fraction so many resources don't fire in step. */
export function jitter(intervalMs: number, random: Random, fraction = 0.1): number {
  const spread = intervalMs * fraction;
  return Math.max(0, Math.round(intervalMs - spread + random() * 2 * spread));
}
