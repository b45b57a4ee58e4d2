import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../core/index.ts';
import { createDependents } from './dependents.ts';

const sync = (name: string, dependsOn: { name: string; namespace?: string }[]): KubeObject => ({
  apiVersion: 'moor.dev/v1alpha1',
  kind: 'Sync',
  metadata: { name, namespace: 'apps' },
  spec: { dependsOn },
});

test('a Sync wakes the Syncs that depend on it, in its namespace or another', () => {
  const deps = createDependents();
  deps.track(sync('web', [{ name: 'db' }]));
  deps.track(sync('api', [{ name: 'db' }, { name: 'infra', namespace: 'base' }]));
  assert.deepEqual(deps.of('apps/db').sort(), ['apps/api', 'apps/web']);
  assert.deepEqual(deps.of('base/infra'), ['apps/api']);
  assert.deepEqual(deps.of('apps/web'), []);
});

test('a changed dependsOn replaces the old one; a deleted Sync is forgotten', () => {
  const deps = createDependents();
  deps.track(sync('web', [{ name: 'db' }]));
  deps.track(sync('web', [{ name: 'cache' }]));
  assert.deepEqual(deps.of('apps/db'), []);
  assert.deepEqual(deps.of('apps/cache'), ['apps/web']);
  deps.forget('apps/web');
  assert.deepEqual(deps.of('apps/cache'), []);
});
