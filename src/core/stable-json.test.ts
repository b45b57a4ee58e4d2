import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { stableEqual, stableStringify } from './stable-json.ts';

test('stableStringify ignores key order and undefined members', () => {
  assert.equal(
    stableStringify({ b: 1, a: [1, { d: undefined, c: 'x' }] }),
    '{"a":[1,{"c":"x"}],"b":1}',
  );
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
      const reversed = Object.fromEntries(Object.entries(obj).reverse());
      return stableStringify(obj) === stableStringify(reversed);
    }),
  );
});

test('different data gives different text', () => {
  assert.notEqual(stableStringify({ a: 1 }), stableStringify({ a: '1' }));
  assert.notEqual(stableStringify([1, 2]), stableStringify([2, 1]));
});

test('an undefined array item is null, as JSON.stringify writes it', () => {
  assert.equal(stableStringify([1, undefined]), JSON.stringify([1, undefined]));
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const plain = JSON.parse(JSON.stringify(value)) as unknown;
      return stableStringify(value) === stableStringify(plain);
    }),
  );
});

test('stableEqual says what comparing the two stableStringify texts says', () => {
  const cases: readonly [unknown, unknown, boolean][] = [
    [{ a: 1, b: undefined }, { a: 1 }, true],
    [{ b: [1, { c: 'x' }], a: 2 }, { a: 2, b: [1, { c: 'x' }] }, true],
    [[1, undefined], [1, null], true],
    [{ a: 1 }, { a: '1' }, false],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [{ a: 1, b: 2 }, { a: 1 }, false],
    [[1, 2], [2, 1], false],
    [[], {}, false],
    [{}, null, false],
    [Number.NaN, null, true],
    [0, -0, true],
    [undefined, null, true],
    ['a', 'b', false],
  ];
  for (const [a, b, equal] of cases) {
    assert.equal(
      stableEqual(a, b),
      equal,
      `${String(stableStringify(a))} vs ${stableStringify(b)}`,
    );
    assert.equal(stableStringify(a) === stableStringify(b), equal);
  }
  const same = (a: unknown, b: unknown) =>
    stableEqual(a, b) === (stableStringify(a) === stableStringify(b));
  fc.assert(fc.property(fc.anything(), fc.anything(), same));
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), (obj, key) => {
      const reversed = Object.fromEntries(Object.entries(obj).reverse());
      const plain = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
      const changed = { ...plain, [key]: ['changed'] };
      return same(obj, reversed) && same(obj, plain) && same(obj, changed);
    }),
  );
});
