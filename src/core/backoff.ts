/** The one backoff: exponential with a cap (pure). */

/** Delay before retry number `failures` (1-based): base·2^(failures-1), capped at max. */
export function backoffDelay(failures: number, baseMs: number, maxMs: number): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(baseMs * 2 ** exponent, maxMs);
}
