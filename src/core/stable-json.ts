/**
 * The one stable JSON: object keys sorted and undefined members left out, so equal data gives
 * equal text whatever order its keys were written in (an undefined array item is `null`, as in JSON).
 */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Whether `a` and `b` give the same {@link stableStringify} text, without writing either: key
 * order and undefined members do not count, an undefined array item equals `null`. Stops at the
 * first difference, so comparing two large statuses that differ costs little. A value with a
 * `toJSON` (a Date) counts as what it gives, as JSON.stringify writes it.
 */
export function jsonEqual(x: unknown, y: unknown): boolean {
  const a = asJson(x);
  const b = asJson(y);
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  if (isPlainObject(a) && isPlainObject(b)) return sameMembers(a, b);
  if (isPlainObject(a) || isPlainObject(b)) return false;
  return stableStringify(a) === stableStringify(b);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function sameMembers(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  let count = 0;
  for (const key of Object.keys(a)) {
    const av = a[key];
    if (av === undefined) continue;
    count++;
    const bv = b[key];
    if (bv === undefined || !jsonEqual(av, bv)) return false;
  }
  for (const key of Object.keys(b)) if (b[key] !== undefined) count--;
  return count === 0;
}

function asJson(v: unknown): unknown {
  const toJSON = isPlainObject(v) ? (v as { toJSON?: unknown }).toJSON : undefined;
  return typeof toJSON === 'function' ? (toJSON as () => unknown).call(v) : v;
}
