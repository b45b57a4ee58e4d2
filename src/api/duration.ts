// Go-style durations (`1m30s`, `1.5h`, `300ms`), as written in `spec.interval` and friends.
// Parsing follows Go's time.ParseDuration; formatting is Go's Duration.String without zero
// components (`1h` rather than `1h0m0s`), which Go parses back to the same value.
import { err, MoorError, ok, type Result } from '../core/index.ts';

/**
 * What the CRDs accept: one or more `<number><unit>` terms, no sign. A subset of Go's syntax
 * (Go also takes `-1m`, `.5s`, `1.s`), so every value the API server admits parses here.
 */
export const DURATION_PATTERN = '^(0|(([0-9]+(\\.[0-9]+)?)(ns|us|µs|μs|ms|s|m|h))+)$';

/**
 * The shortest period a resource may ask to be reconciled at (`spec.interval`,
 * `spec.retryInterval`): 1s. Shorter periods, `0s` above all, would keep the operator busy with
 * one resource; the work queue copes with them, admission refuses them.
 */
export const MIN_INTERVAL_MS = 1_000;

const NANOS_PER_MS = 1_000_000n;
const MAX_NANOS = (1n << 63n) - 1n;

const UNIT_NANOS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

export type InvalidDurationData = { readonly text: string; readonly reason: string };

export class InvalidDurationError extends MoorError<'InvalidDuration', InvalidDurationData> {
  constructor(text: string, reason: string) {
    super('InvalidDuration', `invalid duration ${JSON.stringify(text)}: ${reason}`, {
      text,
      reason,
    });
  }
}

/** Parses a Go duration into milliseconds (fractional below 1ms); a Result for user input. */
export function safeParseDuration(text: string): Result<number, InvalidDurationError> {
  const nanos = parseNanos(text);
  if (typeof nanos === 'string') return err(new InvalidDurationError(text, nanos));
  return ok(nanosToMs(nanos));
}

/** Parses a Go duration into milliseconds. Throws for invalid text: use on validated fields. */
export function parseDuration(text: string): number {
  const result = safeParseDuration(text);
  if (!result.ok) throw result.error;
  return result.value;
}

/** Formats milliseconds as a Go duration: `1h5m`, `1.5s`, `250ms`, `1.5µs`, `0s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`cannot format ${ms} as a duration`);
  const nanos = Number.isInteger(ms) ? BigInt(ms) * NANOS_PER_MS : BigInt(Math.round(ms * 1e6));
  return formatNanos(nanos);
}

function nanosToMs(nanos: bigint): number {
  // Split so that whole milliseconds stay exact beyond 2^53 nanoseconds.
  return Number(nanos / NANOS_PER_MS) + Number(nanos % NANOS_PER_MS) / 1e6;
}

type Term = { readonly nanos: bigint; readonly rest: string };

/** Nanoseconds, or the reason the text is not a duration. */
function parseNanos(text: string): bigint | string {
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return 'empty';
  let total = 0n;
  while (rest !== '') {
    const term = parseTerm(rest);
    if (typeof term === 'string') return term;
    total += term.nanos;
    if (total > MAX_NANOS + (negative ? 1n : 0n)) return 'out of range';
    rest = term.rest;
  }
  return negative ? -total : total;
}

const TERM = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]*)/;

function parseTerm(text: string): Term | string {
  const match = TERM.exec(text);
  const [whole, digits = '', fraction, unit = ''] = match ?? [];
  if (!whole || (digits === '' && !fraction)) return `expected a number at ${JSON.stringify(text)}`;
  if (unit === '') return `missing unit after ${JSON.stringify(whole)}`;
  const unitNanos = UNIT_NANOS[unit];
  if (unitNanos === undefined) return `unknown unit ${JSON.stringify(unit)}`;
  let nanos = BigInt(digits || '0') * unitNanos;
  if (fraction) nanos += (BigInt(fraction) * unitNanos) / 10n ** BigInt(fraction.length);
  if (nanos > MAX_NANOS + 1n) return 'out of range';
  return { nanos, rest: text.slice(whole.length) };
}

function formatNanos(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const sign = nanos < 0n ? '-' : '';
  const abs = nanos < 0n ? -nanos : nanos;
  if (abs < 1_000n) return `${sign}${abs}ns`;
  if (abs < 1_000_000n) return `${sign}${formatFraction(abs, 1_000n)}µs`;
  if (abs < 1_000_000_000n) return `${sign}${formatFraction(abs, 1_000_000n)}ms`;
  const hours = abs / 3_600_000_000_000n;
  const minutes = (abs / 60_000_000_000n) % 60n;
  const seconds = abs % 60_000_000_000n;
  const parts = [
    hours > 0n ? `${hours}h` : '',
    minutes > 0n ? `${minutes}m` : '',
    seconds > 0n ? `${formatFraction(seconds, 1_000_000_000n)}s` : '',
  ];
  return sign + parts.join('');
}

/** `value / unit` in decimal without trailing zeros: 1500n, 1000n → `1.5`. */
function formatFraction(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const remainder = value % unit;
  if (remainder === 0n) return String(whole);
  const width = String(unit).length - 1;
  const fraction = String(remainder).padStart(width, '0').replace(/0+$/, '');
  return `${whole}.${fraction}`;
}
