/** A value that failed conversion to JSON: where (dotted path) and why. */
export type JsonValueProblem = { readonly at: string; readonly problem: string };

/**
 * Brings a parsed YAML value to plain JSON: `!!binary` becomes base64 text (as Kubernetes encodes
 * bytes); `.inf`/`.nan` and other values without a JSON form are reported.
 */
export function toJsonValue(
  value: unknown,
  at = '',
): { ok: true; value: unknown } | { ok: false; error: JsonValueProblem } {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    return { ok: true, value };
  }
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? { ok: true, value }
      : { ok: false, error: { at, problem: `${String(value)} has no JSON form` } };
  }
  if (value instanceof Uint8Array)
    return { ok: true, value: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return convertArray(value, at);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return convertRecord(value as Record<string, unknown>, at);
  }
  return { ok: false, error: { at, problem: `a ${typeof value} value has no JSON form` } };
}

function convertArray(
  values: readonly unknown[],
  at: string,
): { ok: true; value: unknown } | { ok: false; error: JsonValueProblem } {
  const out: unknown[] = [];
  for (const [i, item] of values.entries()) {
    const converted = toJsonValue(item, `${at}[${i}]`);
    if (!converted.ok) return converted;
    out.push(converted.value);
  }
  return { ok: true, value: out };
}

function convertRecord(
  record: Record<string, unknown>,
  at: string,
): { ok: true; value: unknown } | { ok: false; error: JsonValueProblem } {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    const converted = toJsonValue(item, at ? `${at}.${key}` : key);
    if (!converted.ok) return converted;
    // defineProperty, not assignment: a `__proto__` key stays data.
    Object.defineProperty(out, key, {
      value: converted.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { ok: true, value: out };
}
