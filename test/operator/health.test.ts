// Health with spec.wait against the real control plane: a Deployment that declares resources
// rolls out (the stand-in kubelet keeps the QoS class the API server computed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  getObject,
  gitRepository,
  setUpScenario,
  sync,
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
