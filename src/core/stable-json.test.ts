import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { jsonEqual, stableStringify } from './stable-json.ts';

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

test('jsonEqual says what comparing the stable texts says', () => {
  const cases: [unknown, unknown, boolean][] = [
    [{ b: 1, a: [1, { d: undefined, c: 'x' }] }, { a: [1, { c: 'x' }], b: 1 }, true],
    [{ a: 1 }, { a: '1' }, false],
    [[1, 2], [2, 1], false],
    [[1, undefined], [1, null], true],
    [{ a: undefined }, {}, true],
    [{ a: null }, {}, false],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [[], {}, false],
    [{}, null, false],
    [0, -0, true],
    [Number.NaN, null, true],
    [undefined, null, true],
    [undefined, undefined, true],
  ];
  for (const [a, b, want] of cases) {
    assert.equal(jsonEqual(a, b), want, `${String(stableStringify(a))} vs ${stableStringify(b)}`);
    assert.equal(stableStringify(a) === stableStringify(b), want);
  }
  const at = '2026-01-02T03:04:05.000Z';
  assert.equal(jsonEqual({ at: new Date(at) }, { at }), true);
  assert.equal(jsonEqual({ at: new Date(at) }, { at: '2026-01-02T03:04:05Z' }), false);
  fc.assert(
    fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
      const same = stableStringify(a) === stableStringify(b);
      return jsonEqual(a, b) === same && jsonEqual(a, a) && jsonEqual(a, structuredClone(a));
    }),
  );
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
      const reversed = Object.fromEntries(Object.entries(obj).reverse());
      return jsonEqual(obj, reversed);
    }),
  );
});
