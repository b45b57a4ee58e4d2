// Quantities as users write them and as the API server returns them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseQuantity, quantitiesEqual } from './index.ts';

test('what users write equals the server canonical form', () => {
  const same: ReadonlyArray<[unknown, unknown]> = [
    [1, '1'],
    ['1000m', '1'],
    [0.5, '500m'],
    ['1Gi', '1073741824'],
    [1073741824, '1Gi'],
    ['1024Mi', '1Gi'],
    ['0.5Gi', '512Mi'],
    ['2000M', '2G'],
    ['1e3', '1k'],
    ['1.5', '1500m'],
    ['.5', '500m'],
    ['100n', '0.0000001'],
  ];
  for (const [a, b] of same) assert.ok(quantitiesEqual(a, b), `${String(a)} = ${String(b)}`);
  const different: ReadonlyArray<[unknown, unknown]> = [
    ['1', '2'],
    ['1G', '1Gi'],
    ['1m', '1M'],
    ['abc', 'abc'],
    ['1Xi', '1Xi'],
    [true, true],
  ];
  for (const [a, b] of different) assert.ok(!quantitiesEqual(a, b), `${String(a)} ≠ ${String(b)}`);
  assert.equal(parseQuantity(''), undefined);
  assert.equal(parseQuantity('.'), undefined);
  assert.equal(parseQuantity('1constructor'), undefined);
  assert.equal(parseQuantity('1e999999999'), undefined);
});

test('property: a number of millicores equals the same amount in cores', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10_000_000 }), (m) =>
      quantitiesEqual(`${m}m`, m % 1000 === 0 ? String(m / 1000) : (m / 1000).toFixed(3)),
    ),
  );
});
