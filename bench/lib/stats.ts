// Order statistics over repeated measurements: every figure the benchmarks report is a median,
// and a latency also gets its 95th percentile.

export type Summary = {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly min: number;
  readonly max: number;
};

/** The value at rank `p` (0..1), interpolated between neighbours; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * Math.min(Math.max(p, 0), 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  const low = sorted[lo] ?? Number.NaN;
  const high = sorted[hi] ?? low;
  return low + (high - low) * (at - lo);
}

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    p50: percentile(values, 0.5),
    p95: percentile(values, 0.95),
    min: values.length ? Math.min(...values) : Number.NaN,
    max: values.length ? Math.max(...values) : Number.NaN,
  };
}

/** Rounds for the report: whole numbers stay whole, others keep `digits` decimals. */
export function round(value: number, digits = 1): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A latency summary in milliseconds, as the JSON keeps it (`p50Ms`, `p95Ms`, …). */
export function latencyMs(samples: readonly number[]): {
  p50Ms: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
  n: number;
} {
  const s = summarize(samples);
  return {
    p50Ms: round(s.p50),
    p95Ms: round(s.p95),
    minMs: round(s.min),
    maxMs: round(s.max),
    n: s.n,
  };
}

/** The least-squares slope of `v` over `t` (units of v per unit of t); 0 for fewer than 2 points. */
export function slope(points: readonly { readonly t: number; readonly v: number }[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const meanT = points.reduce((a, p) => a + p.t, 0) / n;
  const meanV = points.reduce((a, p) => a + p.v, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - meanT) * (p.v - meanV);
    den += (p.t - meanT) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
