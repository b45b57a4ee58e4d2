import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shardSelector } from './shard.ts';

test('shardSelector: a named shard selects its label value; no shard selects the unlabelled', () => {
  assert.equal(shardSelector('eu-1'), 'moor.dev/shard=eu-1');
  assert.equal(shardSelector(undefined), '!moor.dev/shard');
});
