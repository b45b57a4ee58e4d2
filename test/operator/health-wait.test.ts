// spec.wait never blocks a Sync: while one waits for an unready Deployment (timeout 5m), a new
// commit, drift and a spec change each take effect within seconds, and the wait shows as
// Ready=Unknown/Reconciling=True instead of a reconcile that hangs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { clusterTest as test, testCluster } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getObject,
  getSync,
  gitRepository,
  setUpScenario,
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';

const unreadyDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  progressDeadlineSeconds: 600
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
      annotations:
        fakelet.moor.dev/ready: "false"
    spec:
      containers:
        - name: web
          image: example/web:1
`;

const dataOf = async (kube: Parameters<typeof getObject>[0], ns: string) =>
  (await getObject(kube, 'v1', 'ConfigMap', ns, 'settings'))?.data as
    Record<string, string> | undefined;

test('a health wait is interrupted by a new commit, drift and a spec change', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-wait', {
    'web.yaml': unreadyDeployment,
    'settings.yaml': configMapYaml('settings', { v: '1' }),
  });
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  const spec = {
    sourceRef: { name: 'src' },
    path: './',
    targetNamespace: ns,
    interval: '1h',
    wait: true,
    timeout: '5m',
  };
  await applyObject(kube, sync(ns, 'web', spec));
  await waitFor(
    'the Deployment applied',
    async () => (await getObject(kube, 'apps/v1', 'Deployment', ns, 'web')) !== undefined,
  );
  // A new commit is applied at once, not after the 5 minutes.
  const pushed = Date.now();
  const next = await repo.commit({ 'settings.yaml': configMapYaml('settings', { v: '2' }) });
  await waitFor('the new commit applied', async () => (await dataOf(kube, ns))?.v === '2', 15_000);
  t.diagnostic(`new commit applied ${Date.now() - pushed} ms after the push`);
  // The Deployment is still unready: the Sync says it waits, it does not hang in a wait.
  await waitFor('the wait for health reported', async () => {
    const s = await getSync(kube, ns, 'web');
    return (
      (s?.status as { lastAppliedRevision?: string }).lastAppliedRevision === `main@sha1:${next}` &&
      conditionOf(s, 'Healthy')?.reason === 'Progressing'
    );
  });
  const waiting = await getSync(kube, ns, 'web');
  assert.equal(conditionOf(waiting, 'Ready')?.status, 'Unknown');
  assert.equal(conditionOf(waiting, 'Reconciling')?.status, 'True');
  assert.match(conditionOf(waiting, 'Healthy')?.message ?? '', /Deployment\.apps\/.*\/web/);
  assert.match(conditionOf(waiting, 'Healthy')?.message ?? '', /of 2 objects/);

  // Drift is corrected at once.
  const { kubectl, kubeconfig } = testCluster();
  const deleted = Date.now();
  execFileSync(kubectl, ['--kubeconfig', kubeconfig, '-n', ns, 'delete', 'configmap', 'settings']);
  await waitFor(
    'the deleted ConfigMap restored',
    async () => (await dataOf(kube, ns))?.v === '2',
    5000,
  );
  t.diagnostic(`drift corrected ${Date.now() - deleted} ms after the delete`);

  // wait: false takes effect at once, and leaves no health verdict behind.
  const edited = Date.now();
  await applyObject(kube, sync(ns, 'web', { ...spec, wait: false }));
  const ready = await waitSyncReady(kube, ns, 'web', next, 10_000);
  t.diagnostic(`wait: false took effect ${Date.now() - edited} ms after the edit`);
  assert.equal(conditionOf(ready, 'Healthy'), undefined, 'a Healthy verdict without spec.wait');
  assert.equal(conditionOf(ready, 'Reconciling'), undefined);
  assert.equal((ready.status as { healthWait?: unknown }).healthWait, undefined);
});
