// `moor.dev/drift: ignore`, on the live object or in Git, leaves an object as it is live in every
// drift mode, until Git changes the object itself.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { KubeClient } from '../../src/kube/index.ts';
import { clusterTest as test, testCluster } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getObject,
  gitRepository,
  setUpScenario,
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';

const run = promisify(execFile);

const deploymentYaml = (
  name: string,
  replicas: number,
  annotations = '',
): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${annotations ? `  annotations:\n    ${annotations}\n` : ''}spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: ${name}
          image: example/${name}:1
`;

async function kubectl(ns: string, ...args: string[]): Promise<void> {
  const { kubectl: bin, kubeconfig } = testCluster();
  await run(bin, ['--kubeconfig', kubeconfig, '-n', ns, ...args], { timeout: 30_000 });
}

type DeploymentSpec = {
  replicas: number;
  template: { spec: { containers: { image: string }[] } };
};
const deployment = async (kube: KubeClient, ns: string, name: string): Promise<DeploymentSpec> =>
  (await getObject(kube, 'apps/v1', 'Deployment', ns, name))?.spec as DeploymentSpec;
const imageOf = async (kube: KubeClient, ns: string, name: string): Promise<string | undefined> =>
  (await deployment(kube, ns, name)).template.spec.containers[0]?.image;

test('Correct mode leaves objects opted out live or in Git, until Git changes them', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'drift-opt-out', {
    'web.yaml': deploymentYaml('web', 2),
    'api.yaml': deploymentYaml('api', 2, "moor.dev/drift: 'ignore'"),
    'config.yaml': configMapYaml('config', { v: '1' }),
  });
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'app', {
      sourceRef: { name: 'src' },
      path: './',
      targetNamespace: ns,
      interval: '1h',
    }),
  );
  await waitSyncReady(kube, ns, 'app', await repo.revParse('HEAD'));

  await kubectl(ns, 'annotate', 'deployment/web', 'moor.dev/drift=ignore');
  await kubectl(ns, 'set', 'image', 'deployment/web', 'web=example/web:hotfix');
  await kubectl(ns, 'scale', 'deployment/api', '--replicas=5');
  // A deletion makes Correct mode re-apply what it manages: the opted-out objects stay.
  await kubectl(ns, 'delete', 'configmap/config', '--wait=true');
  await waitFor(
    'the deleted ConfigMap re-created',
    async () => (await getObject(kube, 'v1', 'ConfigMap', ns, 'config')) !== undefined,
    20_000,
  );
  await sleep(1500);
  assert.equal(await imageOf(kube, ns, 'web'), 'example/web:hotfix', 'live opt-out reverted');
  assert.equal((await deployment(kube, ns, 'api')).replicas, 5, 'opt-out in Git reverted');

  // A commit elsewhere does not undo them either.
  const elsewhere = await repo.commit({ 'config.yaml': configMapYaml('config', { v: '2' }) });
  await waitSyncReady(kube, ns, 'app', elsewhere, 30_000);
  assert.equal(await imageOf(kube, ns, 'web'), 'example/web:hotfix');
  assert.equal((await deployment(kube, ns, 'api')).replicas, 5);

  // A commit that changes the object lands.
  const changed = await repo.commit({
    'api.yaml': deploymentYaml('api', 3, "moor.dev/drift: 'ignore'"),
  });
  await waitSyncReady(kube, ns, 'app', changed, 30_000);
  assert.equal((await deployment(kube, ns, 'api')).replicas, 3);
  assert.equal(await imageOf(kube, ns, 'web'), 'example/web:hotfix');
});

const reconciles = async (base: string): Promise<number> => {
  const text = await (await fetch(`${base}/metrics`)).text();
  return [...text.matchAll(/^moor_reconcile_total\{kind="Sync",result="[^"]+"\} (\d+)$/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
};

test('Ignore and Alert modes leave an opted-out object too, without reconciling on its changes', async (t) => {
  const { kube, ns, repo, operator } = await setUpScenario(
    t,
    'drift-opt-out-ignore',
    { 'web.yaml': deploymentYaml('web', 2) },
    { httpAddr: '127.0.0.1:0' },
  );
  const base = await operator.httpUrl();
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' }, interval: '1h' }),
  );
  const spec = {
    sourceRef: { name: 'src' },
    path: './',
    targetNamespace: ns,
    interval: '1h',
    drift: { mode: 'Ignore' },
  };
  await applyObject(kube, sync(ns, 'app', spec));
  await waitSyncReady(kube, ns, 'app', await repo.revParse('HEAD'));

  await kubectl(ns, 'annotate', 'deployment/web', 'moor.dev/drift=ignore');
  await sleep(1000);
  const before = await reconciles(base);
  await kubectl(ns, 'set', 'image', 'deployment/web', 'web=example/web:hotfix');
  await sleep(3000);
  const during = (await reconciles(base)) - before;
  t.diagnostic(`${during} reconciles in the 3 s after the change`);
  assert.equal(await imageOf(kube, ns, 'web'), 'example/web:hotfix', 'Ignore mode reverted it');
  assert.ok(during <= 1, `${during} reconciles after one change to an ignored object`);

  // Alert mode: not reported as drift, not reverted.
  await applyObject(kube, sync(ns, 'app', { ...spec, drift: { mode: 'Alert' } }));
  await waitFor(
    'the Alert spec handled',
    async () =>
      conditionOf(await getObject(kube, 'moor.dev/v1alpha1', 'Sync', ns, 'app'), 'InSync')
        ?.status === 'True',
    20_000,
  );
  await kubectl(ns, 'scale', 'deployment/web', '--replicas=4');
  await sleep(1500);
  const s = await getObject(kube, 'moor.dev/v1alpha1', 'Sync', ns, 'app');
  assert.equal(conditionOf(s, 'InSync')?.status, 'True');
  assert.equal((s?.status as { drift?: unknown }).drift, undefined);
  assert.equal(await imageOf(kube, ns, 'web'), 'example/web:hotfix');
  assert.equal((await deployment(kube, ns, 'web')).replicas, 4);
});
