import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { backoffDelay, jitter } from './backoff.ts';

test('backoff doubles from the base and stops at the cap', () => {
  const table: [failures: number, expected: number][] = [
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [5, 16000],
    [6, 30000],
    [100, 30000],
  ];
  for (const [failures, expected] of table) {
    assert.equal(backoffDelay(failures, 1000, 30000), expected, `failures=${failures}`);
  }
});

test('jitter stays within ±10% of the interval', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 86_400_000 }),
      fc.double({ min: 0, max: 0.9999999, noNaN: true }),
      (ms, r) => {
        const d = jitter(ms, () => r);
        return d >= ms * 0.9 - 1 && d <= ms * 1.1 + 1;
      },
    ),
  );
});
