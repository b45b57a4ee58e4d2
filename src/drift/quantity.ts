/**
 * Resource quantities (`500m`, `1Gi`, `1e3`) as exact fractions, so that what a user writes and
 * the API server's canonical form compare equal: `0.5` and `500m`, `1024Mi` and `1Gi`, `1` and `"1"`.
 */

type Fraction = { readonly num: bigint; readonly den: bigint };

const binarySuffixes: Readonly<Record<string, number>> = {
  Ki: 10,
  Mi: 20,
  Gi: 30,
  Ti: 40,
  Pi: 50,
  Ei: 60,
};
const decimalSuffixes: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

/** Kubernetes accepts exponents far smaller than this; bigger ones are not quantities. */
const MAX_EXPONENT = 100;

const quantityPattern = /^([+-]?)(\d*)(?:\.(\d*))?(?:([eE])([+-]?\d+)|([A-Za-z]*))$/;

function scaleByPowerOfTen(f: Fraction, exp: number): Fraction {
  const p = 10n ** BigInt(Math.abs(exp));
  return exp >= 0 ? { num: f.num * p, den: f.den } : { num: f.num, den: f.den * p };
}

/** Parses a quantity (string or number) to an exact fraction; undefined when it is not one. */
export function parseQuantity(value: unknown): Fraction | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string') return undefined;
  const m = quantityPattern.exec(text.trim());
  if (!m) return undefined;
  const [, sign = '', whole = '', frac = '', exponentMark, exponent, suffix = ''] = m;
  if (whole === '' && frac === '') return undefined;
  const digits = BigInt(`${whole}${frac}` || '0');
  const f: Fraction = { num: sign === '-' ? -digits : digits, den: 10n ** BigInt(frac.length) };
  return exponentMark ? withExponent(f, exponent ?? '0') : withSuffix(f, suffix);
}

/** `f` times ten to `exponent`; undefined past MAX_EXPONENT. */
function withExponent(f: Fraction, exponent: string): Fraction | undefined {
  const exp = Number.parseInt(exponent, 10);
  return Math.abs(exp) > MAX_EXPONENT ? undefined : scaleByPowerOfTen(f, exp);
}

/** `f` scaled by a binary (Ki, Mi, …) or decimal (m, k, M, …) suffix; undefined for others. */
function withSuffix(f: Fraction, suffix: string): Fraction | undefined {
  if (Object.hasOwn(binarySuffixes, suffix))
    return { num: f.num * 2n ** BigInt(binarySuffixes[suffix] ?? 0), den: f.den };
  const exp = Object.hasOwn(decimalSuffixes, suffix) ? decimalSuffixes[suffix] : undefined;
  return exp === undefined ? undefined : scaleByPowerOfTen(f, exp);
}

/** True when both are quantities of the same amount. */
export function quantitiesEqual(a: unknown, b: unknown): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x !== undefined && y !== undefined && x.num * y.den === y.num * x.den;
}
