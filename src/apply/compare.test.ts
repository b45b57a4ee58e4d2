import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../core/index.ts';
import { wouldChange } from './compare.ts';

const live: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'c',
    namespace: 'n',
    resourceVersion: '10',
    managedFields: [{ manager: 'moor', operation: 'Apply', time: '2026-01-01T00:00:00Z' }],
  },
  data: { a: '1', b: '2' },
};

test('a dry-run equal to the live object but for versions and timestamps changes nothing', () => {
  const dry: KubeObject = {
    ...live,
    metadata: {
      ...live.metadata,
      resourceVersion: '11',
      managedFields: [{ manager: 'moor', operation: 'Apply', time: '2026-02-02T00:00:00Z' }],
    },
    data: { b: '2', a: '1' },
  };
  assert.equal(wouldChange(dry, live), false);
});

test('a changed value or a new field owner is a change', () => {
  assert.equal(wouldChange({ ...live, data: { a: '1', b: '3' } }, live), true);
  const owners: KubeObject = {
    ...live,
    metadata: { ...live.metadata, managedFields: [{ manager: 'kubectl', operation: 'Update' }] },
  };
  assert.equal(wouldChange(owners, live), true);
});
