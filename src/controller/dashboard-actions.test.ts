// The dashboard's rollback resolves its revision from the durable history and refuses what the
// CLI refuses; one preview runs at a time. The history is a real encoded ring in a SyncHistory as
// the client answers it; the writes are recorded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ok, type KubeObject } from '../core/index.ts';
import type { KubeClient } from '../kube/index.ts';
import { dashboardActions } from './dashboard-actions.ts';
import { encodeRing } from './history/codec.ts';
import { appendRecord, emptyRing, type NewRecord } from './history/record.ts';
import { historyName } from './history/store.ts';

const sha = (c: string) => c.repeat(40);
const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 12, minute)).toISOString();
const rec = (minute: number, revision: string, result = 'Succeeded'): NewRecord => ({
  revision,
  startedAt: at(minute),
  result,
  ...(result === 'Succeeded' ? { health: 'Healthy' } : {}),
  created: 0,
  configured: 0,
  deleted: 0,
  inventory: ['ConfigMap/ns/a'],
});

function setUp(opts: { hold?: Promise<void> } = {}) {
  const ring = [
    rec(0, `main@sha1:${sha('a')}`),
    rec(1, `main@sha1:${sha('b')}`, 'Failed'),
    rec(2, 'main@sha1:short'),
    rec(3, `main@sha1:${sha('c')}`),
  ].reduce((r, n) => appendRecord(r, n), emptyRing);
  const history: KubeObject = {
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'SyncHistory',
    metadata: { namespace: 'ns', name: historyName('web') },
    spec: { syncName: 'web', ring: encodeRing(ring).toString('base64') },
  };
  const patches: unknown[] = [];
  const sync: KubeObject = {
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'Sync',
    metadata: { namespace: 'ns', name: 'web' },
    spec: {},
    status: { lastAppliedRevision: `main@sha1:${sha('c')}` },
  };
  const reader = {
    get: async (ref: { kind: string }) => {
      if (opts.hold) await opts.hold;
      return ok(ref.kind === 'SyncHistory' ? history : undefined);
    },
  } as unknown as KubeClient;
  const kube = {
    mergePatch: (_ref: unknown, patch: unknown) => {
      patches.push(patch);
      return Promise.resolve(ok(sync));
    },
  } as unknown as KubeClient;
  const actions = dashboardActions({
    kube,
    reader,
    syncs: { get: (ns, name) => (ns === 'ns' && name === 'web' ? sync : undefined) },
    leading: () => true,
    preview: { git: {} as never, kustomize: {} as never, allowFileUrls: false },
  });
  return { actions, patches };
}

const cases: { name: string; minute: number; code?: string; pinned?: string }[] = [
  { name: 'an earlier healthy apply is pinned', minute: 0, pinned: `main@sha1:${sha('a')}` },
  { name: 'a failed apply is refused', minute: 1, code: 'Conflict' },
  { name: 'a revision without a full sha is refused', minute: 2, code: 'Invalid' },
  { name: 'the revision applied now is refused', minute: 3, code: 'Conflict' },
  { name: 'no entry at that time', minute: 9, code: 'NotFound' },
];
for (const c of cases) {
  test(`dashboard rollback: ${c.name}`, async () => {
    const { actions, patches } = setUp();
    const target = { namespace: 'ns', name: 'web', startedAt: at(c.minute), by: 'alice' };
    const got = await actions.rollbackTo(target, AbortSignal.timeout(5_000));
    if (c.pinned) {
      assert.deepEqual(got, ok(c.pinned));
      assert.deepEqual(patches, [
        {
          spec: { pin: { revision: c.pinned, reason: 'rolled back from the dashboard by alice' } },
        },
      ]);
    } else {
      assert.equal(got.ok ? 'ok' : got.error.code, c.code);
      assert.ok(!got.ok && got.error.message.includes('Sync/ns/web'), 'the message names the Sync');
      assert.deepEqual(patches, [], 'nothing written');
    }
  });
}

test('one preview at a time: a second is refused while the first runs', async () => {
  let release = () => undefined as void;
  const hold = new Promise<void>((r) => (release = r));
  const { actions } = setUp({ hold });
  const target = { namespace: 'ns', name: 'web', ref: 'main' };
  const first = actions.preview(target, AbortSignal.timeout(10_000));
  const second = await actions.preview(target, AbortSignal.timeout(10_000));
  assert.equal(second.ok ? 'ok' : second.error.code, 'Busy');
  release();
  const done = await first;
  // The Sync is not found by this client: the first ran (and failed) rather than being refused.
  assert.equal(done.ok ? 'ok' : done.error.code, 'NotFound');
  const third = await actions.preview(target, AbortSignal.timeout(10_000));
  assert.notEqual(third.ok ? 'ok' : third.error.code, 'Busy', 'free again after the first');
});
