// The convergence loop end to end: a real operator process, a real Git repository (file://),
// the real control plane.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getObject,
  gitRepository,
  sync,
  waitFor,
  waitSyncReady,
  setUpScenario,
} from '../helpers/operator.ts';

const deploymentYaml = (replicas: number, image: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ${image}
`;

test('first sync, update, prune, and a quiet no-op', async (t) => {
  const { kube, ns, repo, operator } = await setUpScenario(t, 'op-sync', {
    'deploy/app.yaml':
      configMapYaml('settings', { color: 'blue' }) + '---\n' + deploymentYaml(2, 'example/web:1'),
    'deploy/extra.yaml': configMapYaml('extra', { keep: 'no' }),
    'README.md': 'not a manifest',
  });

  await applyObject(
    kube,
    gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'app', {
      sourceRef: { name: 'app' },
      path: './deploy',
      prune: true,
      wait: true,
      targetNamespace: ns,
      interval: '1s',
    }),
  );

  // First sync: everything applied, labelled, in the inventory, and the Deployment rolled out.
  const first = await repo.revParse('HEAD');
  let s = await waitSyncReady(kube, ns, 'app', first);
  const cm = await getObject(kube, 'v1', 'ConfigMap', ns, 'settings');
  assert.equal((cm?.data as Record<string, string>).color, 'blue');
  assert.equal(cm?.metadata.labels?.['moor.dev/sync-name'], 'app');
  assert.equal(cm?.metadata.labels?.['moor.dev/sync-namespace'], ns);
  assert.ok(
    cm?.metadata.managedFields?.some((m) => m.manager === 'moor' && m.operation === 'Apply'),
  );
  const inventory = (s.status as { inventory: { entries: { kind: string; name: string }[] } })
    .inventory.entries;
  assert.deepEqual(inventory.map((e) => `${e.kind}/${e.name}`).sort(), [
    'ConfigMap/extra',
    'ConfigMap/settings',
    'Deployment/web',
  ]);
  assert.equal(conditionOf(s, 'Healthy')?.status, 'True');
  assert.match(
    String((s.status as { lastAppliedRevision: string }).lastAppliedRevision),
    new RegExp(`^main@sha1:${first}$`),
  );

  // Quiet: with a 1 s interval, several reconciles pass and nothing is written.
  const before = {
    sync: s.metadata.resourceVersion,
    cm: cm?.metadata.resourceVersion,
    deploy: (await getObject(kube, 'apps/v1', 'Deployment', ns, 'web'))?.metadata.resourceVersion,
  };
  const logged = (await operator.logs()).length;
  await sleep(3500);
  // …and nothing is logged above debug: a no-op interval reconcile is no news.
  const loud = (await operator.logs())
    .slice(logged)
    .split('\n')
    .filter((l) => l.startsWith('{') && (JSON.parse(l) as { level: number }).level >= 30);
  assert.deepEqual(loud, [], 'a no-op reconcile logged above debug');
  s = (await getObject(kube, 'moor.dev/v1alpha1', 'Sync', ns, 'app'))!;
  assert.equal(
    s.metadata.resourceVersion,
    before.sync,
    'the Sync status was rewritten by a no-op reconcile',
  );
  assert.equal(
    (await getObject(kube, 'v1', 'ConfigMap', ns, 'settings'))?.metadata.resourceVersion,
    before.cm,
  );
  assert.equal(
    (await getObject(kube, 'apps/v1', 'Deployment', ns, 'web'))?.metadata.resourceVersion,
    before.deploy,
  );

  // Update and prune in one commit: changed data, scaled Deployment, extra.yaml removed.
  const second = await repo.commit({
    'deploy/app.yaml':
      configMapYaml('settings', { color: 'green' }) + '---\n' + deploymentYaml(3, 'example/web:2'),
    'deploy/extra.yaml': null,
  });
  s = await waitSyncReady(kube, ns, 'app', second);
  assert.equal(
    ((await getObject(kube, 'v1', 'ConfigMap', ns, 'settings'))?.data as Record<string, string>)
      .color,
    'green',
  );
  const deploy = await getObject(kube, 'apps/v1', 'Deployment', ns, 'web');
  assert.equal((deploy?.spec as { replicas: number }).replicas, 3);
  await waitFor(
    'extra pruned',
    async () => (await getObject(kube, 'v1', 'ConfigMap', ns, 'extra')) === undefined,
    20_000,
  );
  const entries = (s.status as { inventory: { entries: { name: string }[] } }).inventory.entries;
  assert.deepEqual(entries.map((e) => e.name).sort(), ['settings', 'web']);
  const history = (
    s.status as { history: { revision: string; configured: number; deleted: number }[] }
  ).history;
  assert.equal(history[0]?.revision, `main@sha1:${second}`);
  assert.equal(history[0]?.configured, 2, JSON.stringify(history));
  assert.equal(history[0]?.deleted, 1);

  // An Event summarises the apply.
  const events = await kube.list('v1', 'Event', { namespace: ns }, AbortSignal.timeout(10_000));
  assert.ok(events.ok);
  const applied = events.value.items.filter(
    (e) => e.reason === 'Applied' && (e.involvedObject as { name: string }).name === 'app',
  );
  assert.ok(
    applied.some(
      (e) => String(e.message).includes('2 configured') && String(e.message).includes('1 deleted'),
    ),
    JSON.stringify(applied.map((e) => e.message)),
  );
});
