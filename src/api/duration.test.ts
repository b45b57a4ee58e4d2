import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  DURATION_PATTERN,
  InvalidDurationError,
  formatDuration,
  parseDuration,
  safeParseDuration,
} from './duration.ts';

const parseCases: ReadonlyArray<readonly [string, number]> = [
  ['0', 0],
  ['0s', 0],
  ['1m', 60_000],
  ['1m30s', 90_000],
  ['1h', 3_600_000],
  ['1h2m3s', 3_723_000],
  ['2h45m', 9_900_000],
  ['1.5h', 5_400_000],
  ['300ms', 300],
  ['1.5s', 1500],
  ['.5s', 500],
  ['1.s', 1000],
  ['100us', 0.1],
  ['100µs', 0.1],
  ['100μs', 0.1],
  ['1500ns', 0.0015],
  ['1ms500us', 1.5],
  ['60s', 60_000],
  ['-1m', -60_000],
  ['+1m', 60_000],
  ['-1.5h', -5_400_000],
  ['10m', 600_000],
  ['2562047h47m16.854775807s', 9_223_372_036_854.775],
];

test('parseDuration reads Go durations into milliseconds', () => {
  for (const [text, ms] of parseCases) {
    assert.equal(parseDuration(text), ms, text);
  }
});

const invalidCases: ReadonlyArray<readonly [string, RegExp]> = [
  ['', /empty/],
  ['1', /missing unit/],
  ['10', /missing unit/],
  ['m', /expected a number/],
  ['.s', /expected a number/],
  ['1d', /unknown unit "d"/],
  ['1 m', /unknown unit " m"/],
  ['5 minutes', /unknown unit/],
  ['1m-1s', /unknown unit "m-"/],
  ['-', /empty/],
  ['2562047h47m16.854775808s', /out of range/],
  ['99999999999999999999h', /out of range/],
];

test('safeParseDuration names the text and the reason for invalid input', () => {
  for (const [text, reason] of invalidCases) {
    const result = safeParseDuration(text);
    assert.equal(result.ok, false, text);
    if (result.ok) continue;
    assert.ok(result.error instanceof InvalidDurationError);
    assert.equal(result.error.code, 'InvalidDuration');
    assert.match(
      result.error.message,
      new RegExp(`invalid duration ${JSON.stringify(text).replace(/[.+*]/g, '\\$&')}`),
    );
    assert.match(result.error.message, reason, text);
  }
  assert.throws(() => parseDuration('1y'), InvalidDurationError);
});

const formatCases: ReadonlyArray<readonly [number, string]> = [
  [0, '0s'],
  [1, '1ms'],
  [1.5, '1.5ms'],
  [0.001, '1µs'],
  [0.0015, '1.5µs'],
  [0.000001, '1ns'],
  [999, '999ms'],
  [1000, '1s'],
  [1500, '1.5s'],
  [60_000, '1m'],
  [90_000, '1m30s'],
  [3_600_000, '1h'],
  [3_605_000, '1h5s'],
  [3_723_004, '1h2m3.004s'],
  [90_000_000, '25h'],
  [-60_000, '-1m'],
];

test('formatDuration writes compact Go durations', () => {
  for (const [ms, text] of formatCases) {
    assert.equal(formatDuration(ms), text, String(ms));
  }
  assert.throws(() => formatDuration(Number.NaN), RangeError);
});

const MAX_MS = 9_223_372_036_854;

test('formatDuration then parseDuration gives back the same milliseconds', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: -MAX_MS, max: MAX_MS }),
      (ms) => parseDuration(formatDuration(ms)) === ms,
    ),
    { numRuns: 2000 },
  );
});

test('every non-negative formatted duration is accepted by the CRD pattern', () => {
  const pattern = new RegExp(DURATION_PATTERN, 'u');
  fc.assert(
    fc.property(
      // One below the limit: a double this large cannot carry every nanosecond, and rounding
      // up past Go's int64 maximum would be a fault of the test, not of the format.
      fc.integer({ min: 0, max: MAX_MS - 1 }),
      fc.integer({ min: 0, max: 999_999 }),
      (ms, nanos) => {
        const text = formatDuration(ms + nanos / 1e6);
        return pattern.test(text) && safeParseDuration(text).ok;
      },
    ),
    { numRuns: 1000 },
  );
});

test('every text the CRD pattern admits parses', () => {
  const pattern = new RegExp(DURATION_PATTERN, 'u');
  const term = fc
    .tuple(
      fc.stringMatching(/^[0-9]{1,4}$/),
      fc.option(fc.stringMatching(/^[0-9]{1,3}$/), { nil: undefined }),
      fc.constantFrom('ns', 'us', 'µs', 'ms', 's', 'm', 'h'),
    )
    .map(
      ([whole, fraction, unit]) => `${whole}${fraction === undefined ? '' : `.${fraction}`}${unit}`,
    );
  fc.assert(
    fc.property(fc.array(term, { minLength: 1, maxLength: 4 }), (terms) => {
      const text = terms.join('');
      return pattern.test(text) && safeParseDuration(text).ok;
    }),
  );
});
