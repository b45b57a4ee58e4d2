import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveSelector, shardSelector, stampShard } from './shard.ts';

test('shardSelector: a named shard selects its label value; no shard selects the unlabelled', () => {
  assert.equal(shardSelector('eu-1'), 'moor.dev/shard=eu-1');
  assert.equal(shardSelector(undefined), '!moor.dev/shard');
});

test('liveSelector: a shard caches only what it stamped; without one, every Moor-labelled object', () => {
  assert.equal(liveSelector('eu-1'), 'moor.dev/sync-name,moor.dev/shard=eu-1');
  assert.equal(liveSelector(undefined), 'moor.dev/sync-name');
});

test('stampShard adds the shard label and keeps the others; without a shard, the object as is', () => {
  const obj = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', namespace: 'apps', labels: { 'moor.dev/sync-name': 'web' } },
  };
  const stamped = stampShard(obj, 'eu-1');
  assert.deepEqual(stamped.metadata.labels, {
    'moor.dev/sync-name': 'web',
    'moor.dev/shard': 'eu-1',
  });
  assert.deepEqual(obj.metadata.labels, { 'moor.dev/sync-name': 'web' }, 'the input is unchanged');
  assert.equal(stampShard(obj, undefined), obj);
});
