import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../core/index.ts';
import { createDesiredIndex } from './desired-index.ts';

const cm = (name: string, value: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'apps' },
  data: { value },
});

test('the desired object of the applied revision is found by the live one', () => {
  const index = createDesiredIndex();
  index.remember('apps/web', [cm('a', '1'), cm('b', '1')]);
  const live = { ...cm('a', 'changed'), metadata: { name: 'a', namespace: 'apps', uid: 'u' } };
  assert.deepEqual(index.get('apps/web', live), cm('a', '1'));
  assert.equal(index.get('apps/other', live), undefined);
});

test('a new revision replaces the last; a deleted Sync is forgotten', () => {
  const index = createDesiredIndex();
  index.remember('apps/web', [cm('a', '1')]);
  index.remember('apps/web', [cm('b', '2')]);
  assert.equal(index.get('apps/web', cm('a', '1')), undefined);
  assert.deepEqual(index.get('apps/web', cm('b', '')), cm('b', '2'));
  index.forget('apps/web');
  assert.equal(index.get('apps/web', cm('b', '')), undefined);
});
