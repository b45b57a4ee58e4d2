// `moor operator` flag parsing for the Provider address policy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectList, splitDenied } from './operator.ts';

test('--allow/--deny-provider-hosts take comma-separated lists and add up when repeated', () => {
  assert.deepEqual(collectList('a.example, *.b.example,'), ['a.example', '*.b.example']);
  assert.deepEqual(collectList('c.example', ['a.example']), ['a.example', 'c.example']);
  assert.throws(() => collectList(' , '), /names no host/);
});

test('--deny-provider-hosts entries are ranges (a bare address is its own /32 or /128) or names', () => {
  const cases: [string[], ReturnType<typeof splitDenied>][] = [
    [['127.0.0.2'], { deniedRanges: ['127.0.0.2/32'], deniedHosts: [] }],
    [['::1'], { deniedRanges: ['::1/128'], deniedHosts: [] }],
    [['127.0.0.0/30', 'fd00::/8'], { deniedRanges: ['127.0.0.0/30', 'fd00::/8'], deniedHosts: [] }],
    [['metadata.internal'], { deniedRanges: [], deniedHosts: ['metadata.internal'] }],
  ];
  for (const [entries, expected] of cases)
    assert.deepEqual(splitDenied(entries), expected, entries.join());
});
