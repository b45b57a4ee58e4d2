// When a new revision of a shared source may skip a Sync's render and apply, and the order the
// Syncs of a new artifact are woken in: tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSync, type Sync } from '../../api/index.ts';
import { OUTSIDE_ARTIFACT } from '../../render/index.ts';
import type { KubeObject } from '../../core/index.ts';
import { changedFirst, skippable, touchesReads, type LastApply } from './skip.ts';
import type { SyncStatus } from './status.ts';

const REV1 = `main@sha1:${'1'.repeat(40)}`;
const REV2 = `main@sha1:${'2'.repeat(40)}`;

const configMap = (name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'apps' },
  data,
});

function syncOf(meta: Partial<KubeObject['metadata']> = {}): Sync {
  const parsed = parseSync({
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name: 'web', namespace: 'apps', generation: 1, uid: 'u1', ...meta },
    spec: { sourceRef: { kind: 'GitRepository', name: 'repo' }, path: './web', interval: '10m' },
  });
  if (!parsed.ok) assert.fail(parsed.error.message);
  return parsed.value;
}

const desired = [configMap('web', { a: '1' })];
const last: LastApply = { revision: REV1, generation: 1, reads: ['web', 'base'], desired };
const converged: SyncStatus = {
  observedGeneration: 1,
  lastAppliedRevision: REV1,
  lastAttemptedRevision: REV1,
  inventory: {
    entries: [{ group: '', kind: 'ConfigMap', namespace: 'apps', name: 'web', version: 'v1' }],
  },
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      reason: 'Succeeded',
      message: `Applied revision ${REV1}`,
      lastTransitionTime: '2026-12-01T12:00:00Z',
    },
  ],
};
const liveOf = (obj: KubeObject | undefined) => () => obj;
const elsewhere = { since: REV1, paths: ['other/cm.yaml'] };

type Case = {
  readonly name: string;
  readonly skip: boolean;
  readonly sync?: Sync;
  readonly status?: SyncStatus;
  readonly changes?: { since: string; paths: string[] } | undefined;
  readonly last?: LastApply | undefined;
  readonly live?: KubeObject | undefined;
  readonly revision?: string;
};

const cases: Case[] = [
  { name: 'a change elsewhere skips', skip: true },
  {
    name: 'a change in the path does not',
    skip: false,
    changes: { since: REV1, paths: ['web/cm.yaml'] },
  },
  {
    name: 'a change in a base the render read does not',
    skip: false,
    changes: { since: REV1, paths: ['base/x.yaml'] },
  },
  {
    name: 'a sibling named like a read path skips',
    skip: true,
    changes: { since: REV1, paths: ['web2/x.yaml'] },
  },
  { name: 'changes unknown do not', skip: false, changes: undefined },
  {
    name: 'changes counted from another revision do not',
    skip: false,
    changes: { since: REV2, paths: [] },
  },
  { name: 'no remembered apply does not', skip: false, last: undefined },
  { name: 'the same revision does not (a normal reconcile)', skip: false, revision: REV1 },
  { name: 'a render that read the root does not', skip: false, last: { ...last, reads: [''] } },
  {
    name: 'a failed last attempt does not',
    skip: false,
    status: { ...converged, lastAttemptedRevision: REV2 },
  },
  { name: 'Ready not True does not', skip: false, status: { ...converged, conditions: [] } },
  {
    name: 'drift in status does not',
    skip: false,
    status: { ...converged, drift: { objects: [] } },
  },
  {
    name: 'a health wait does not',
    skip: false,
    status: { ...converged, healthWait: {} as SyncStatus['healthWait'] },
  },
  { name: 'a new generation does not', skip: false, sync: syncOf({ generation: 2 }) },
  {
    name: 'a requested reconcile does not',
    skip: false,
    sync: syncOf({ annotations: { 'moor.dev/reconcile-requested-at': 'now' } }),
  },
  {
    name: 'drift live (not yet in status) does not',
    skip: false,
    live: configMap('web', { a: '2' }),
  },
  { name: 'an object gone live does not', skip: false, live: undefined },
  {
    name: 'an inventory other than the render does not',
    skip: false,
    status: { ...converged, inventory: { entries: [] } },
  },
];

for (const c of cases) {
  void test(`skippable: ${c.name}`, () => {
    const got = skippable({
      sync: c.sync ?? syncOf(),
      status: c.status ?? converged,
      revision: c.revision ?? REV2,
      changes: 'changes' in c ? c.changes : elsewhere,
      last: 'last' in c ? c.last : last,
      live: liveOf('live' in c ? c.live : configMap('web', { a: '1' })),
    });
    assert.equal(got !== undefined, c.skip);
  });
}

test('touchesReads: a read directory stands for its tree, a read file for itself', () => {
  assert.equal(touchesReads(['a/b'], ['a/b/c/d.yaml']), true);
  assert.equal(touchesReads(['a/b'], ['a/bc.yaml']), false);
  assert.equal(touchesReads(['a/b.yaml'], ['a/b.yaml']), true);
  assert.equal(touchesReads([''], ['x']), true);
  assert.equal(touchesReads(['a'], []), false);
  assert.equal(touchesReads(['a', OUTSIDE_ARTIFACT], []), true);
});

test('changedFirst: Syncs the change may touch go first, in their order; unknown ones count as touched', () => {
  const lastApplies = new Map<string, LastApply>([
    ['ns/a', { ...last, reads: ['a'] }],
    ['ns/b', { ...last, reads: ['b'] }],
    ['ns/c', { ...last, reads: ['c'] }],
  ]);
  const changes = { since: REV1, paths: ['c/cm.yaml'] };
  assert.deepEqual(changedFirst(['ns/a', 'ns/b', 'ns/c', 'ns/new'], lastApplies, changes), {
    changed: ['ns/c', 'ns/new'],
    unchanged: ['ns/a', 'ns/b'],
  });
  assert.deepEqual(changedFirst(['ns/a', 'ns/b'], lastApplies, undefined), {
    changed: ['ns/a', 'ns/b'],
    unchanged: [],
  });
});
