// Apply semantics end to end: immutable fields and spec.force, impersonation of
// spec.serviceAccountName, and health with spec.wait.
import assert from 'node:assert/strict';
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
  getSync,
} from '../helpers/operator.ts';

const jobYaml = (image: string): string => `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: ${image}
`;

const deploymentYaml = (ready: boolean): string => `apiVersion: apps/v1
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
        fakelet.moor.dev/ready: "${String(ready)}"
    spec:
      containers:
        - name: web
          image: example/web:1
`;

test('an immutable-field change fails clearly, and spec.force recreates the object', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-force', {
    'job.yaml': jobYaml('example/migrate:1'),
  });
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  const spec = { sourceRef: { name: 'src' }, path: './', targetNamespace: ns };
  await applyObject(kube, sync(ns, 'jobs', spec));
  await waitSyncReady(kube, ns, 'jobs', await repo.revParse('HEAD'));
  const before = await getObject(kube, 'batch/v1', 'Job', ns, 'migrate');

  const next = await repo.commit({ 'job.yaml': jobYaml('example/migrate:2') });
  await waitFor('the immutable change is reported', async () => {
    const ready = conditionOf(await getSync(kube, ns, 'jobs'), 'Ready');
    return ready?.status === 'False' && ready.message.includes(next);
  });
  const ready = conditionOf(await getSync(kube, ns, 'jobs'), 'Ready');
  assert.equal(ready?.reason, 'DryRunFailed');
  assert.match(ready?.message ?? '', new RegExp(`Job.batch/${ns}/migrate`));
  assert.match(ready?.message ?? '', /immutable/);
  assert.match(ready?.message ?? '', /spec\.force/);
  assert.equal(
    (await getObject(kube, 'batch/v1', 'Job', ns, 'migrate'))?.metadata.uid,
    before?.metadata.uid,
  );

  await applyObject(kube, sync(ns, 'jobs', { ...spec, force: true }));
  await waitSyncReady(kube, ns, 'jobs', next);
  const after = await getObject(kube, 'batch/v1', 'Job', ns, 'migrate');
  assert.notEqual(after?.metadata.uid, before?.metadata.uid, 'the Job was not recreated');
  const image = (after?.spec as { template: { spec: { containers: { image: string }[] } } })
    .template.spec.containers[0]?.image;
  assert.equal(image, 'example/migrate:2');
});

test('spec.serviceAccountName applies as that service account', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-sa', {
    'cm.yaml': configMapYaml('app', { v: '1' }),
  });
  await applyObject(kube, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'deployer', namespace: ns },
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
      serviceAccountName: 'deployer',
    }),
  );
  await waitFor(
    'forbidden without RBAC',
    async () => conditionOf(await getSync(kube, ns, 'app'), 'Ready')?.reason === 'DryRunFailed',
  );
  const refused = conditionOf(await getSync(kube, ns, 'app'), 'Ready');
  assert.match(refused?.message ?? '', /forbidden|Forbidden/);
  assert.match(refused?.message ?? '', new RegExp(`system:serviceaccount:${ns}:deployer`));
  assert.equal(await getObject(kube, 'v1', 'ConfigMap', ns, 'app'), undefined);

  await applyObject(kube, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'deployer-edit', namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }],
  });
  await waitSyncReady(kube, ns, 'app', undefined, 90_000);
  const cm = await getObject(kube, 'v1', 'ConfigMap', ns, 'app');
  assert.ok(cm, 'applied once the service account may');
});

test('spec.wait reports Healthy, and an unready Deployment is named until the timeout', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-health', {
    'web.yaml': deploymentYaml(true),
  });
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'web', {
      sourceRef: { name: 'src' },
      path: './',
      targetNamespace: ns,
      wait: true,
      timeout: '5s',
      retryInterval: '2s',
    }),
  );
  let s = await waitSyncReady(kube, ns, 'web', await repo.revParse('HEAD'));
  assert.equal(conditionOf(s, 'Healthy')?.status, 'True');

  const next = await repo.commit({ 'web.yaml': deploymentYaml(false) });
  await waitFor('unhealthy reported', async () => {
    s = (await getSync(kube, ns, 'web'))!;
    return conditionOf(s, 'Healthy')?.status === 'False';
  });
  const healthy = conditionOf(s, 'Healthy');
  assert.equal(healthy?.reason, 'HealthCheckTimeout');
  assert.match(healthy?.message ?? '', new RegExp(`Deployment.apps/${ns}/web`));
  assert.equal(conditionOf(s, 'Ready')?.status, 'False');
  assert.match(conditionOf(s, 'Ready')?.message ?? '', new RegExp(next));
  assert.equal(
    (s.status as { lastAppliedRevision: string }).lastAppliedRevision,
    `main@sha1:${next}`,
  );
});
