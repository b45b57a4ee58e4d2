import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../core/index.ts';
import { createArtifactIndex } from './artifact-registry.ts';

const sync = (name: string, source: string, namespace = 'apps'): KubeObject => ({
  apiVersion: 'moor.dev/v1alpha1',
  kind: 'Sync',
  metadata: { name, namespace },
  spec: { sourceRef: { kind: 'GitRepository', name: source } },
});
const artifact = { revision: 'main@sha1:a', digest: 'sha256:x', sha: 'a', dir: '/tmp/a' };

test('a new artifact wakes only the Syncs of its source', () => {
  const index = createArtifactIndex();
  index.track(sync('web', 'repo'));
  index.track(sync('api', 'repo'));
  index.track(sync('db', 'other'));
  assert.deepEqual(index.syncsOf('apps', 'repo').sort(), ['apps/api', 'apps/web']);
  assert.deepEqual(index.syncsOf('apps', 'other'), ['apps/db']);
  assert.deepEqual(index.syncsOf('apps', 'none'), []);
});

test('a Sync that changes its source moves, and a deleted one is forgotten', () => {
  const index = createArtifactIndex();
  index.track(sync('web', 'repo'));
  index.track(sync('web', 'other'));
  assert.deepEqual(index.syncsOf('apps', 'repo'), []);
  assert.deepEqual(index.syncsOf('apps', 'other'), ['apps/web']);
  index.forgetSync('apps/web');
  assert.deepEqual(index.syncsOf('apps', 'other'), []);
});

test('a source in another namespace is named by sourceRef.namespace', () => {
  const index = createArtifactIndex();
  index.track({
    ...sync('web', 'repo'),
    spec: { sourceRef: { kind: 'GitRepository', name: 'repo', namespace: 'git' } },
  });
  assert.deepEqual(index.syncsOf('git', 'repo'), ['apps/web']);
});

test('a deleted source takes its artifact along', () => {
  const index = createArtifactIndex();
  index.artifacts.set('apps/repo', artifact);
  assert.equal(index.artifact('apps', 'repo'), artifact);
  index.forgetSource('apps/repo');
  assert.equal(index.artifact('apps', 'repo'), undefined);
  assert.equal(index.artifacts.size, 0);
});
