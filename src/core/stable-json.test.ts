import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { stableStringify } from './stable-json.ts';

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
