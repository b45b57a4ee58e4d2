import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ok, type KubeObject } from '../core/index.ts';
import type { KubeClient } from './types.ts';
import { gateWrites } from './write-gate.ts';

const cm: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'apps' },
};
const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'settings' };
const signal = AbortSignal.timeout(5_000);

/** A client that answers everything with `ok` and records which calls reached it. */
function recordingClient(sent: string[], as = ''): KubeClient {
  const record = <T>(verb: string, value: T) => {
    sent.push(`${as}${verb}`);
    return Promise.resolve(ok(value));
  };
  return {
    requestCounts: new Map(),
    apply: (obj, opts) => record(opts.dryRun ? 'apply (dry-run)' : 'apply', obj),
    get: () => record('get', cm),
    list: () => record('list', { items: [], resourceVersion: '1' }),
    delete: (_ref, opts) => record(opts.dryRun ? 'delete (dry-run)' : 'delete', 'deleted' as const),
    watch: () => record('watch', undefined),
    patchStatus: () => record('patchStatus', cm),
    mergePatch: () => record('mergePatch', cm),
    create: (obj) => record('create', obj),
    update: (obj) => record('update', obj),
    resolveKind: () =>
      record('resolveKind', { group: '', version: 'v1', resource: 'configmaps', namespaced: true }),
    impersonate: (user) => recordingClient(sent, `${user}:`),
  };
}

async function everyCall(kube: KubeClient): Promise<string[]> {
  const refused: string[] = [];
  const results = {
    apply: await kube.apply(cm, { fieldManager: 'moor' }, signal),
    'apply (dry-run)': await kube.apply(cm, { fieldManager: 'moor', dryRun: true }, signal),
    get: await kube.get(ref, signal),
    list: await kube.list('v1', 'ConfigMap', { namespace: 'apps' }, signal),
    delete: await kube.delete(ref, {}, signal),
    'delete (dry-run)': await kube.delete(ref, { dryRun: true }, signal),
    watch: await kube.watch('v1', 'ConfigMap', {}, () => undefined, signal),
    patchStatus: await kube.patchStatus(ref, {}, { fieldManager: 'moor' }, signal),
    mergePatch: await kube.mergePatch(ref, {}, signal),
    create: await kube.create(cm, signal),
    update: await kube.update(cm, signal),
    resolveKind: await kube.resolveKind('v1', 'ConfigMap', signal),
  };
  for (const [verb, res] of Object.entries(results)) {
    if (res.ok) continue;
    assert.equal(res.error.code, 'NotLeader');
    assert.match(res.error.message, /ConfigMap\/apps\/settings: refused, standby-1 does not lead$/);
    refused.push(verb);
  }
  return refused;
}

const writes = ['apply', 'delete', 'patchStatus', 'mergePatch', 'create', 'update'];
const passing = ['apply (dry-run)', 'get', 'list', 'delete (dry-run)', 'watch', 'resolveKind'];

void test('a closed gate refuses every write before it is sent; reads and dry-runs pass', async () => {
  const sent: string[] = [];
  const kube = gateWrites(recordingClient(sent), { mayWrite: () => false, identity: 'standby-1' });
  assert.deepEqual(await everyCall(kube), writes);
  assert.deepEqual(sent, passing);
});

void test('an open gate passes everything; it is asked at each write, not once', async () => {
  const sent: string[] = [];
  let open = true;
  const kube = gateWrites(recordingClient(sent), { mayWrite: () => open, identity: 'standby-1' });
  assert.deepEqual(await everyCall(kube), []);
  assert.equal(sent.length, writes.length + passing.length);
  open = false;
  assert.deepEqual(await everyCall(kube), writes);
});

void test('an impersonating client made from a gated one is gated too', async () => {
  const sent: string[] = [];
  const kube = gateWrites(recordingClient(sent), { mayWrite: () => false, identity: 'standby-1' });
  const as = kube.impersonate('system:serviceaccount:apps:deployer');
  assert.deepEqual(await everyCall(as), writes);
  assert.ok(sent.every((s) => s.startsWith('system:serviceaccount:apps:deployer:')));
});
