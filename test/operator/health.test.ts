// Health with spec.wait against the real control plane: a Deployment that declares resources
// rolls out (the stand-in kubelet keeps the QoS class the API server computed), and an APIService
// the kube-aggregator finds unavailable is named as unhealthy.
import assert from 'node:assert/strict';
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
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';

const deploymentWithResources = `apiVersion: apps/v1
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
          resources:
            requests: { cpu: 100m, memory: 64Mi }
            limits: { cpu: 100m, memory: 64Mi }
        - name: sidecar
          image: example/sidecar:1
          resources:
            requests: { cpu: 10m }
`;

test('a Deployment with resource requests and limits becomes Healthy with spec.wait', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-resources', {
    'web.yaml': deploymentWithResources,
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
      timeout: '30s',
      retryInterval: '2s',
    }),
  );
  const s = await waitSyncReady(kube, ns, 'web', await repo.revParse('HEAD'), 90_000);
  assert.equal(conditionOf(s, 'Healthy')?.status, 'True');
  const deployment = await getObject(kube, 'apps/v1', 'Deployment', ns, 'web');
  const status = deployment?.status as { availableReplicas?: number } | undefined;
  assert.equal(status?.availableReplicas, 2);
});

const group = (ns: string): string => `${ns}.test.moor.dev`;

const unavailableApiService = (ns: string): string => `apiVersion: v1
kind: Service
metadata:
  name: backend
spec:
  ports:
    - { name: https, port: 443, targetPort: 8443 }
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1.${group(ns)}
spec:
  group: ${group(ns)}
  version: v1
  groupPriorityMinimum: 100
  versionPriority: 10
  insecureSkipTLSVerify: true
  service: { name: backend, namespace: ${ns}, port: 443 }
`;

test('an APIService whose Service has no endpoints is reported unhealthy with spec.wait', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-apiservice', {
    'cm.yaml': configMapYaml('placeholder', { v: '1' }),
  });
  const name = `v1.${group(ns)}`;
  // Cluster-scoped and unavailable: remove it, or discovery of its group keeps failing.
  t.after(() =>
    kube.delete(
      { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', name },
      {},
      AbortSignal.timeout(10_000),
    ),
  );
  const revision = await repo.commit({ 'api.yaml': unavailableApiService(ns) });
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'api', {
      sourceRef: { name: 'src' },
      path: './',
      targetNamespace: ns,
      wait: true,
      timeout: '20s',
      retryInterval: '5s',
    }),
  );
  // The aggregator's reason moves on as it learns more (ServiceNotFound while the Service is
  // being created, then EndpointsNotFound): the Sync must come to name the reason it gives now.
  let available: ReturnType<typeof conditionOf>;
  let message = '';
  await waitFor(
    "the unavailable APIService reported with the aggregator's reason",
    async () => {
      const live = await getObject(kube, 'apiregistration.k8s.io/v1', 'APIService', '', name);
      available = conditionOf(live, 'Available');
      const healthy = conditionOf(await getSync(kube, ns, 'api'), 'Healthy');
      message = healthy?.message ?? '';
      return (
        healthy?.status === 'False' &&
        message.includes(`not available: ${available?.reason ?? '?'}`)
      );
    },
    90_000,
  );
  assert.equal(available?.status, 'False');
  assert.ok(message.includes(`APIService.apiregistration.k8s.io/${name}`), message);
  const s = await getSync(kube, ns, 'api');
  const ready = conditionOf(s, 'Ready');
  assert.equal(ready?.status, 'False');
  assert.match(ready?.message ?? '', new RegExp(revision));
});
