import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ok, type KubeObject } from '../core/index.ts';
import type { KubeClient } from '../kube/index.ts';
import { rememberStatusWrites } from './status-memory.ts';

const sync = (rv: string, revision: string): KubeObject => ({
  apiVersion: 'moor.dev/v1alpha1',
  kind: 'Sync',
  metadata: { name: 's', namespace: 'n', uid: 'u1', resourceVersion: rv },
  status: { lastAppliedRevision: revision },
});

test('a reader gets the status Moor wrote until the informer catches up', async () => {
  const base = {
    patchStatus: () => Promise.resolve(ok(sync('12', 'b'))),
  } as unknown as KubeClient;
  const memory = rememberStatusWrites(base);
  const ref = { apiVersion: 'moor.dev/v1alpha1', kind: 'Sync', namespace: 'n', name: 's' };
  await memory.kube.patchStatus(ref, {}, { fieldManager: 'moor' }, AbortSignal.timeout(1000));
  const stale = sync('11', 'a');
  assert.equal(
    (memory.freshest(stale)?.status as { lastAppliedRevision: string }).lastAppliedRevision,
    'b',
  );
  const caughtUp = sync('13', 'c');
  assert.equal(memory.freshest(caughtUp), caughtUp);
  const recreated = { ...sync('5', 'z'), metadata: { ...sync('5', 'z').metadata, uid: 'u2' } };
  assert.equal(memory.freshest(recreated), recreated);
});

test('the remembered write is let go once the informer has caught up with it, or the object was recreated', async () => {
  const base = {
    patchStatus: () => Promise.resolve(ok(sync('12', 'b'))),
  } as unknown as KubeClient;
  const memory = rememberStatusWrites(base);
  const ref = { apiVersion: 'moor.dev/v1alpha1', kind: 'Sync', namespace: 'n', name: 's' };
  const write = () =>
    memory.kube.patchStatus(ref, {}, { fieldManager: 'moor' }, AbortSignal.timeout(1000));
  await write();
  memory.freshest(sync('11', 'a'));
  assert.equal(memory.size(), 1, 'still needed while the informer is behind');
  memory.freshest(sync('12', 'b'));
  assert.equal(memory.size(), 0, 'the informer has the write');
  await write();
  const recreated = { ...sync('5', 'z'), metadata: { ...sync('5', 'z').metadata, uid: 'u2' } };
  assert.equal(memory.freshest(recreated), recreated);
  assert.equal(memory.size(), 0, 'a write of the object before it was recreated');
});

test('the informer moving past a remembered write lets it go without a reader asking', async () => {
  const base = {
    patchStatus: () => Promise.resolve(ok(sync('12', 'b'))),
  } as unknown as KubeClient;
  const memory = rememberStatusWrites(base);
  const ref = { apiVersion: 'moor.dev/v1alpha1', kind: 'Sync', namespace: 'n', name: 's' };
  await memory.kube.patchStatus(ref, {}, { fieldManager: 'moor' }, AbortSignal.timeout(1000));
  memory.observe(sync('11', 'a'));
  assert.equal(memory.size(), 1, 'an older copy: the write is still needed');
  const stale = memory.freshest(sync('11', 'a'));
  assert.equal((stale?.status as { lastAppliedRevision: string }).lastAppliedRevision, 'b');
  memory.observe(sync('12', 'b'));
  assert.equal(memory.size(), 0);
});
