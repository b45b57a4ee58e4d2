// Deleting a Sync deletes what it applied (the finalizer moor.dev/finalizer, ADR 0026): contents
// before their Namespace, a bounded wait reported when something holds on, finished by a
// restarted operator; `Orphan` leaves the objects without Moor's labels, free for another Sync.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../../src/core/index.ts';
import type { KubeClient } from '../../src/kube/index.ts';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getObject,
  getSync,
  gitRepository,
  setUpScenario,
  startOperator,
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';

const OBJECTS = 100;
const MOOR = 'moor.dev/v1alpha1';

const labelsOf = (o: KubeObject | undefined) => o?.metadata.labels ?? {};
const moorLabels = (o: KubeObject | undefined) =>
  Object.keys(labelsOf(o)).filter((k) => k.startsWith('moor.dev/sync-'));

async function deleteSync(kube: KubeClient, ns: string, name: string): Promise<void> {
  const res = await kube.delete(
    { apiVersion: MOOR, kind: 'Sync', namespace: ns, name },
    {},
    AbortSignal.timeout(10_000),
  );
  if (!res.ok) throw res.error;
}

async function listConfigMaps(kube: KubeClient, ns: string): Promise<KubeObject[]> {
  const listed = await kube.list('v1', 'ConfigMap', { namespace: ns }, AbortSignal.timeout(10_000));
  if (!listed.ok) throw listed.error;
  // Leaves out the namespace's CA bundle and the Syncs' history (ADR 0019), which goes with its
  // Sync through its owner reference, by the garbage collector, in its own time.
  return listed.value.items.filter(
    (o) => o.metadata.name !== 'kube-root-ca.crt' && !labelsOf(o)['moor.dev/history-of'],
  );
}

const heldConfigMap = (ns: string): string =>
  [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: held',
    `  namespace: ${ns}`,
    '  finalizers: [example.com/hold]',
    'data: { v: "1" }',
    '',
  ].join('\n');

test(
  'deleting a Sync deletes its 100 objects, then the Namespace it made; held past its timeout it says what holds it, and a restarted operator finishes',
  { timeout: 600_000 },
  async (t) => {
    const app = `del-app-${randomBytes(3).toString('hex')}`;
    const files: Record<string, string> = {
      'ns.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${app}\n`,
      'held.yaml': heldConfigMap(app),
    };
    for (let i = 0; i < OBJECTS - 1; i++)
      files[`cm-${i}.yaml`] = configMapYaml(`cm-${i}`, { i: String(i) }, app);
    const { kube, ns, repo, operator } = await setUpScenario(t, 'op-delete', files);
    const release = () =>
      kube.mergePatch(
        { apiVersion: 'v1', kind: 'ConfigMap', namespace: app, name: 'held' },
        { metadata: { finalizers: null } },
        AbortSignal.timeout(10_000),
      );
    t.after(async () => {
      await release();
      await kube.delete(
        { apiVersion: 'v1', kind: 'Namespace', name: app },
        {},
        AbortSignal.timeout(10_000),
      );
    });
    await applyObject(
      kube,
      gitRepository(ns, 'repo', { url: fileUrl(repo), ref: { branch: 'main' } }),
    );
    await applyObject(
      kube,
      sync(ns, 'app', { sourceRef: { name: 'repo' }, path: './', timeout: '15s' }),
    );
    const ready = await waitSyncReady(kube, ns, 'app', undefined, 120_000);
    assert.deepEqual(ready.metadata.finalizers, ['moor.dev/finalizer']);
    assert.equal((await listConfigMaps(kube, app)).length, OBJECTS);

    await deleteSync(kube, ns, 'app');
    // The 99 free ConfigMaps go; the held one stays, and with it the Namespace (not even deleted).
    let stalled: KubeObject | undefined;
    await waitFor(
      'the held ConfigMap reported past the timeout',
      async () => {
        stalled = await getSync(kube, ns, 'app');
        return conditionOf(stalled, 'Stalled')?.reason === 'DeletionStalled';
      },
      120_000,
    );
    const message = conditionOf(stalled, 'Ready')?.message ?? '';
    assert.match(message, /ConfigMap\/del-app-[0-9a-f]+\/held \(finalizers: example\.com\/hold\)/);
    assert.match(message, /spec\.deletionPolicy: Orphan/);
    assert.equal(conditionOf(stalled, 'Ready')?.status, 'False');
    const left = await listConfigMaps(kube, app);
    assert.deepEqual(
      left.map((o) => o.metadata.name),
      ['held'],
    );
    const namespace = await getObject(kube, 'v1', 'Namespace', '', app);
    assert.equal(
      namespace?.metadata.deletionTimestamp,
      undefined,
      'the Namespace went before its contents',
    );

    // The operator stops mid-deletion; the hold is released; a new operator finishes the job.
    await operator.stop();
    const released = await release();
    if (!released.ok) throw released.error;
    const again = await startOperator({ namespace: ns });
    t.after(() => again.stop());
    await waitFor(
      'the Sync to be gone',
      async () => (await getSync(kube, ns, 'app')) === undefined,
      180_000,
    );
    assert.equal(
      await getObject(kube, 'v1', 'Namespace', '', app),
      undefined,
      'the Sync went before its Namespace',
    );
  },
);

test(
  'with deletionPolicy Orphan the objects stay without Moor labels, and another Sync takes them without a conflict',
  { timeout: 300_000 },
  async (t) => {
    const files = {
      'a.yaml': configMapYaml('a', { v: '1' }),
      'b.yaml': configMapYaml('b', { v: '1' }),
    };
    const { kube, ns, repo } = await setUpScenario(t, 'op-orphan', files);
    await applyObject(
      kube,
      gitRepository(ns, 'repo', { url: fileUrl(repo), ref: { branch: 'main' } }),
    );
    const spec = { sourceRef: { name: 'repo' }, path: './', targetNamespace: ns };
    await applyObject(kube, sync(ns, 'first', { ...spec, deletionPolicy: 'Orphan' }));
    await waitSyncReady(kube, ns, 'first', undefined, 120_000);
    const before = await getObject(kube, 'v1', 'ConfigMap', ns, 'a');
    assert.deepEqual(moorLabels(before).sort(), ['moor.dev/sync-name', 'moor.dev/sync-namespace']);

    await deleteSync(kube, ns, 'first');
    await waitFor(
      'the Sync to be gone',
      async () => (await getSync(kube, ns, 'first')) === undefined,
      120_000,
    );
    for (const name of ['a', 'b']) {
      const cm = await getObject(kube, 'v1', 'ConfigMap', ns, name);
      assert.ok(cm && cm.metadata.deletionTimestamp === undefined, `ConfigMap ${name} was deleted`);
      assert.deepEqual(moorLabels(cm), [], `ConfigMap ${name} still looks owned`);
    }

    // Nothing looks owned, so a new Sync applying the same objects owns them (no Conflict).
    await applyObject(kube, sync(ns, 'second', spec));
    const second = await waitSyncReady(kube, ns, 'second', undefined, 120_000);
    assert.notEqual(conditionOf(second, 'Ready')?.reason, 'Conflict');
    const taken = await getObject(kube, 'v1', 'ConfigMap', ns, 'a');
    assert.equal(labelsOf(taken)['moor.dev/sync-name'], 'second');

    // With the default policy, deleting the second Sync deletes them.
    await deleteSync(kube, ns, 'second');
    await waitFor(
      'the Sync to be gone',
      async () => (await getSync(kube, ns, 'second')) === undefined,
      120_000,
    );
    assert.deepEqual(await listConfigMaps(kube, ns), []);
  },
);

test(
  'a GitRepository deleted under a Sync is reported on the Sync, which keeps its objects',
  { timeout: 300_000 },
  async (t) => {
    const { kube, ns, repo, operator } = await setUpScenario(t, 'op-source-gone', {
      'a.yaml': configMapYaml('a', { v: '1' }),
    });
    await applyObject(
      kube,
      gitRepository(ns, 'repo', { url: fileUrl(repo), ref: { branch: 'main' } }),
    );
    await applyObject(
      kube,
      sync(ns, 'app', {
        sourceRef: { name: 'repo' },
        path: './',
        targetNamespace: ns,
        interval: '1h',
      }),
    );
    await waitSyncReady(kube, ns, 'app', undefined, 120_000);
    const gone = await kube.delete(
      { apiVersion: MOOR, kind: 'GitRepository', namespace: ns, name: 'repo' },
      {},
      AbortSignal.timeout(10_000),
    );
    if (!gone.ok) throw gone.error;
    let s: KubeObject | undefined;
    await waitFor(
      'the Sync to report its source gone',
      async () => {
        s = await getSync(kube, ns, 'app');
        return conditionOf(s, 'Ready')?.reason === 'SourceNotFound';
      },
      60_000,
    );
    assert.match(
      conditionOf(s, 'Ready')?.message ?? '',
      new RegExp(`GitRepository ${ns}/repo does not exist`),
    );
    assert.ok(await getObject(kube, 'v1', 'ConfigMap', ns, 'a'), 'the applied object was removed');
    assert.equal(operator.process.exitCode, null, 'the operator exited');
    assert.doesNotMatch(await operator.logs(), /reconcile crashed/);
  },
);

test(
  'a suspended Sync that is deleted orphans what it applied: the objects stay, unlabelled',
  { timeout: 300_000 },
  async (t) => {
    const { kube, ns, repo } = await setUpScenario(t, 'op-suspended-delete', {
      'a.yaml': configMapYaml('a', { v: '1' }),
    });
    await applyObject(
      kube,
      gitRepository(ns, 'repo', { url: fileUrl(repo), ref: { branch: 'main' } }),
    );
    const spec = { sourceRef: { name: 'repo' }, path: './', targetNamespace: ns };
    await applyObject(kube, sync(ns, 'app', spec));
    await waitSyncReady(kube, ns, 'app', undefined, 120_000);
    await applyObject(kube, sync(ns, 'app', { ...spec, suspend: true }));
    await deleteSync(kube, ns, 'app');
    await waitFor(
      'the Sync to be gone',
      async () => (await getSync(kube, ns, 'app')) === undefined,
      120_000,
    );
    const cm = await getObject(kube, 'v1', 'ConfigMap', ns, 'a');
    assert.ok(cm && cm.metadata.deletionTimestamp === undefined, 'the ConfigMap was deleted');
    assert.deepEqual(moorLabels(cm), []);
  },
);
