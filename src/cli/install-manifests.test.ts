import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { generateCrds } from '../api/index.ts';
import type { KubeObject } from '../core/index.ts';
import { runInProcess } from './test-helpers.ts';

void test('install --export prints a namespace, every CRD, RBAC and the operator, without a cluster', async () => {
  const run = await runInProcess(['install', '--export']);
  assert.equal(run.code, 0, run.stderr);
  const docs = parseAllDocuments(run.stdout).map((d) => {
    assert.deepEqual(d.errors, []);
    return d.toJS() as KubeObject;
  });
  const crdNames = generateCrds().map((c) => c.metadata.name);
  assert.deepEqual(
    docs.map((d) => `${d.kind}/${d.metadata.name}`),
    [
      'Namespace/moor-system',
      ...crdNames.map((n) => `CustomResourceDefinition/${n}`),
      'ServiceAccount/moor-operator',
      'ClusterRole/moor-operator',
      'ClusterRoleBinding/moor-operator',
      'Deployment/moor-operator',
    ],
  );
  const deployment = docs.find((d) => d.kind === 'Deployment') as KubeObject & {
    spec: {
      selector: { matchLabels: Record<string, string> };
      template: {
        metadata: { labels: Record<string, string> };
        spec: { serviceAccountName: string; containers: { image: string; args: string[] }[] };
      };
    };
  };
  const pod = deployment.spec.template;
  assert.equal(deployment.metadata.namespace, 'moor-system');
  assert.equal(pod.spec.containers[0]?.image, 'ghcr.io/moor-dev/moor:9.9.9-test');
  assert.equal(pod.spec.containers[0]?.args[0], 'operator');
  assert.equal(pod.spec.serviceAccountName, 'moor-operator');
  for (const [k, v] of Object.entries(deployment.spec.selector.matchLabels)) {
    assert.equal(pod.metadata.labels[k], v, 'the selector matches the pod template');
  }
  const binding = docs.find((d) => d.kind === 'ClusterRoleBinding') as KubeObject & {
    subjects: { name: string; namespace: string }[];
  };
  assert.deepEqual(binding.subjects[0], {
    kind: 'ServiceAccount',
    name: 'moor-operator',
    namespace: 'moor-system',
  });
});
