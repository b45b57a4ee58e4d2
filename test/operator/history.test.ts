// The apply history is kept in the cluster, not in the operator: it survives a restart, `moor
// history` lists every apply with its commit, and `--at` says what was applied at a moment. It
// lives in the Sync's SyncHistory (ADR 0032); an old history ConfigMap is copied over, then deleted.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeRing } from '../../src/controller/history/codec.ts';
import { moor } from '../cli/helpers.ts';
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

type Item = {
  revision: string;
  result: string;
  health?: string;
  commit?: { message: string; author: string };
  created: number;
  objects?: { created?: string[] };
  inventory: string[];
};

test('history survives a restart; --at answers between two applies', async (t) => {
  const { kube, ns, repo, operator } = await setUpScenario(t, 'op-history', {
    'app/a.yaml': configMapYaml('a', { v: '1' }),
  });
  await applyObject(
    kube,
    gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'app', {
      sourceRef: { name: 'app' },
      path: './app',
      targetNamespace: ns,
      prune: true,
    }),
  );
  const first = await repo.revParse('HEAD');
  await waitSyncReady(kube, ns, 'app', first, 120_000);
  await sleep(1100);
  const between = new Date().toISOString();
  await sleep(1100);
  const second = await repo.commit(
    { 'app/b.yaml': configMapYaml('b', { v: '1' }) },
    'add b for the history',
  );
  await waitSyncReady(kube, ns, 'app', second, 120_000);

  // A new operator process: it knows nothing but what is in the cluster.
  await operator.stop();
  const again = await startOperator({ namespace: ns });
  t.after(() => again.stop());
  const third = await repo.commit({ 'app/a.yaml': null }, 'drop a');
  await waitSyncReady(kube, ns, 'app', third, 120_000);

  const listed = await moor(['-n', ns, 'history', 'sync', 'app', '-o', 'json']);
  assert.equal(listed.code, 0, listed.stderr);
  const items = (JSON.parse(listed.stdout) as { items: Item[] }).items;
  assert.deepEqual(
    items.map((i) => i.revision.slice(-40)),
    [third, second, first],
  );
  assert.deepEqual(
    items.map((i) => i.commit?.message),
    ['drop a', 'add b for the history', 'initial'],
  );
  assert.ok(items.every((i) => i.result === 'Succeeded' && i.commit?.author.includes('<')));
  assert.deepEqual(items[1]?.objects?.created, [`ConfigMap/${ns}/b`]);
  assert.deepEqual(items[0]?.inventory, [`ConfigMap/${ns}/b`]);

  const at = await moor(['-n', ns, 'history', 'sync', 'app', '--at', between, '-o', 'json']);
  assert.equal(at.code, 0, at.stderr);
  const answer = JSON.parse(at.stdout) as { revision: string; objects: string[] };
  assert.equal(answer.revision.slice(-40), first);
  assert.deepEqual(answer.objects, [`ConfigMap/${ns}/a`]);

  const table = await moor(['-n', ns, 'history', 'sync', 'app']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /STARTED\s+REVISION\s+RESULT/);
  assert.match(table.stdout, /add b for the history/);

  const early = await moor(['-n', ns, 'history', 'sync', 'app', '--at', '2000-01-01T00:00:00Z']);
  assert.equal(early.code, 2);
  assert.match(early.stderr, /nothing was applied at or before 2000-01-01/);

  // The ring is in the Sync's SyncHistory, owned by the Sync; no history ConfigMap is written.
  const history = await getObject(kube, 'moor.dev/v1alpha1', 'SyncHistory', ns, 'app');
  const owner = history?.metadata.ownerReferences?.[0] as
    { kind?: string; uid?: string } | undefined;
  assert.equal(owner?.kind, 'Sync');
  assert.equal(owner?.uid, (await getSync(kube, ns, 'app'))?.metadata.uid);
  assert.deepEqual(history?.spec, { ...(history?.spec as object), syncName: 'app', records: 3 });
  assert.equal(await getObject(kube, 'v1', 'ConfigMap', ns, 'moor-history-app'), undefined);
});

test('an old history ConfigMap is read once into the SyncHistory, then deleted', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-history-old', {
    'app/a.yaml': configMapYaml('a', { v: '1' }),
    'forged/history.yaml': [
      'apiVersion: moor.dev/v1alpha1',
      'kind: SyncHistory',
      'metadata:',
      '  name: app',
      'spec:',
      '  syncName: app',
      '  records: 0',
      "  ring: ''",
      '',
    ].join('\n'),
  });
  const old = {
    revision: 'main@sha1:' + '1'.repeat(40),
    commit: { message: 'applied before the upgrade', author: 'Old <old@example.com>' },
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:00:05Z',
    result: 'Succeeded',
    created: 1,
    configured: 0,
    deleted: 0,
    added: [`ConfigMap/${ns}/old`],
  };
  await applyObject(kube, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'moor-history-app', namespace: ns, labels: { 'moor.dev/history-of': 'app' } },
    binaryData: {
      'history.json.gz': encodeRing({ records: [old] }).toString('base64'),
    },
  });
  await applyObject(
    kube,
    gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  const spec = { sourceRef: { name: 'app' }, path: './app', targetNamespace: ns };
  await applyObject(kube, sync(ns, 'app', { ...spec, suspend: true }));
  // Before the first apply, `moor history` reads the old ConfigMap.
  const before = await moor(['-n', ns, 'history', 'sync', 'app', '-o', 'json']);
  assert.equal(before.code, 0, before.stderr);
  assert.deepEqual(
    (JSON.parse(before.stdout) as { items: Item[] }).items.map((i) => i.commit?.message),
    ['applied before the upgrade'],
  );
  await applyObject(kube, sync(ns, 'app', spec));
  await waitSyncReady(kube, ns, 'app', await repo.revParse('HEAD'), 120_000);
  const listed = await moor(['-n', ns, 'history', 'sync', 'app', '-o', 'json']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(
    (JSON.parse(listed.stdout) as { items: Item[] }).items.map((i) => i.commit?.message),
    ['initial', 'applied before the upgrade'],
  );
  const history = await getObject(kube, 'moor.dev/v1alpha1', 'SyncHistory', ns, 'app');
  assert.equal((history?.spec as { records?: number } | undefined)?.records, 2);
  assert.equal(await getObject(kube, 'v1', 'ConfigMap', ns, 'moor-history-app'), undefined);

  // Only the operator writes a history: a Sync that declares one is refused, naming it.
  await applyObject(kube, sync(ns, 'forger', { ...spec, path: './forged' }));
  await waitFor(
    'the forged history refused',
    async () => conditionOf(await getSync(kube, ns, 'forger'), 'Ready')?.status === 'False',
    120_000,
  );
  assert.match(
    conditionOf(await getSync(kube, ns, 'forger'), 'Ready')?.message ?? '',
    new RegExp(`SyncHistory.moor.dev/${ns}/app: a SyncHistory is written by the operator only`),
  );
  const after = await getObject(kube, 'moor.dev/v1alpha1', 'SyncHistory', ns, 'app');
  assert.equal(after?.metadata.resourceVersion, history?.metadata.resourceVersion);
});
