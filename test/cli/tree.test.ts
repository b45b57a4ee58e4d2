// `moor tree sync` and `moor trace` against the objects of a real Sync applied by a real operator
// (the control plane's controller-manager and fakelet make the ReplicaSet and Pods).
import assert from 'node:assert/strict';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  configMapYaml,
  getSync,
  gitRepository,
  setUpScenario,
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';
import { moor } from './helpers.ts';

const deploymentYaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: example/web:1
`;

type Node = {
  kind: string;
  name: string;
  health: string;
  drift?: string;
  children: Node[];
};

void test('moor tree sync and moor trace answer for the objects of a real Sync', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'cli-tree', {
    'deploy/web.yaml': deploymentYaml,
    'deploy/settings.yaml': configMapYaml('settings', { color: 'blue' }),
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
      targetNamespace: ns,
      wait: true,
      drift: { mode: 'Alert', alertAfter: '1s' },
    }),
  );
  const sha = await repo.revParse('HEAD');
  await waitSyncReady(kube, ns, 'app', sha, 120_000);

  // A manual edit the Sync only alerts on: its row shows the drifted field.
  await applyObject(kube, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: ns },
    data: { color: 'red' },
  });
  await waitFor(
    'the drift in status',
    async () => {
      const s = await getSync(kube, ns, 'app');
      const objects = (s?.status as { drift?: { objects?: { name: string }[] } } | undefined)?.drift
        ?.objects;
      return (objects ?? []).some((o) => o.name === 'settings');
    },
    120_000,
  );

  let nodes: Node[] = [];
  await waitFor(
    'two Pods under the ReplicaSet',
    async () => {
      const run = await moor(['-n', ns, 'tree', 'sync', 'app', '-o', 'json']);
      assert.equal(run.code, 0, run.stderr);
      nodes = (JSON.parse(run.stdout) as { objects: Node[] }).objects;
      const web = nodes.find((n) => n.kind === 'Deployment');
      return web?.children[0]?.children.length === 2;
    },
    120_000,
  );
  const byKind = Object.fromEntries(nodes.map((n) => [n.kind, n]));
  assert.deepEqual(Object.keys(byKind).sort(), ['ConfigMap', 'Deployment']);
  const web = byKind.Deployment;
  assert.equal(web?.health, 'Current');
  assert.equal(web?.drift, 'InSync');
  assert.equal(web?.children.length, 1);
  const rs = web?.children[0];
  assert.equal(rs?.kind, 'ReplicaSet');
  assert.match(rs?.name ?? '', /^web-/);
  assert.deepEqual(
    rs?.children.map((p) => p.kind),
    ['Pod', 'Pod'],
  );
  assert.equal(byKind.ConfigMap?.drift, 'data.color');

  const table = await moor(['-n', ns, 'tree', 'sync', 'app']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, new RegExp(`^Deployment\\.apps/${ns}/web +Current +InSync`, 'm'));
  assert.match(table.stdout, new RegExp(`^└─ ReplicaSet\\.apps/${ns}/web-\\S+ +Current`, 'm'));
  assert.match(table.stdout, new RegExp(`^   ├─ Pod/${ns}/web-\\S+`, 'm'));
  assert.match(table.stdout, new RegExp(`^   └─ Pod/${ns}/web-\\S+`, 'm'));

  // trace: the Sync, its source and the applied revision, and when moor applied it.
  const traced = await moor(['trace', 'deployment/web', '-n', ns, '-o', 'json']);
  assert.equal(traced.code, 0, traced.stderr);
  const tr = JSON.parse(traced.stdout) as {
    sync: { namespace: string; name: string };
    source: { name: string; url: string };
    revision: string;
    appliedAt: string;
    labelsAgree: boolean;
    live: boolean;
  };
  assert.deepEqual(tr.sync, { namespace: ns, name: 'app' });
  assert.equal(tr.source.name, 'app');
  assert.equal(tr.source.url, fileUrl(repo));
  assert.equal(tr.revision, `main@sha1:${sha}`);
  assert.ok(Date.parse(tr.appliedAt) > Date.now() - 10 * 60_000, tr.appliedAt);
  assert.equal(tr.labelsAgree, true);
  assert.equal(tr.live, true);
  const text = await moor(['-n', ns, 'trace', 'ConfigMap/settings']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`^Sync: +${ns}/app$`, 'm'));
  assert.match(text.stdout, /^Drift: +data\.color$/m);

  // An object Moor did not apply (a Pod the ReplicaSet made) is not traced to a Sync.
  const pod = rs?.children[0]?.name ?? '';
  const untraced = await moor(['-n', ns, 'trace', `pod/${pod}`]);
  assert.equal(untraced.code, 2);
  assert.match(untraced.stderr, /is not in the inventory of any Sync/);
});
