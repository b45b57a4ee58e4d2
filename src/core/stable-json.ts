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

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** What JSON writes for a value that is neither an object nor an array (`null` for what it leaves out). */
const leafText = (v: unknown): string => JSON.stringify(v) ?? 'null';

function sameArrays(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!stableEqual(a[i], b[i])) return false;
  return true;
}

/** Same defined members (an undefined one counts as missing), each stably equal. */
function sameRecords(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  let defined = 0;
  for (const key of Object.keys(a)) {
    if (a[key] === undefined) continue;
    defined++;
    if (!Object.hasOwn(b, key) || b[key] === undefined || !stableEqual(a[key], b[key]))
      return false;
  }
  for (const key of Object.keys(b)) if (b[key] !== undefined) defined--;
  return defined === 0;
}

/**
 * Whether `stableStringify(a) === stableStringify(b)`, without writing either: a quiet reconcile
 * compares a whole status (hundreds of inventory entries) and should leave no garbage behind.
 */
export function stableEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && sameArrays(a, b);
  if (isRecord(a) || isRecord(b)) return isRecord(a) && isRecord(b) && sameRecords(a, b);
  if (typeof a === 'string' && typeof b === 'string') return false;
  return leafText(a) === leafText(b);
}
