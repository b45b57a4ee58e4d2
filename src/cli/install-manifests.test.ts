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
      'Role/moor-operator-leader-election',
      'RoleBinding/moor-operator-leader-election',
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

void test('the exported operator elects a leader, so two replicas never both reconcile', async () => {
  const run = await runInProcess(['install', '--export']);
  assert.equal(run.code, 0, run.stderr);
  const docs = parseAllDocuments(run.stdout).map((d) => d.toJS() as KubeObject);
  const deployment = docs.find((d) => d.kind === 'Deployment') as KubeObject & {
    spec: {
      template: {
        spec: {
          containers: {
            args: string[];
            env: { name: string; valueFrom: { fieldRef: { fieldPath: string } } }[];
          }[];
        };
      };
    };
  };
  const container = deployment.spec.template.spec.containers[0];
  assert.ok(container);
  assert.ok(container.args.includes('--leader-elect'), container.args.join(' '));
  // The Lease lives in the pod's namespace and names the pod (Kubernetes expands $(VAR) in args).
  assert.ok(container.args.includes('--leader-elect-namespace=$(POD_NAMESPACE)'));
  assert.ok(container.args.includes('--leader-elect-identity=$(POD_NAME)'));
  const fieldOf = (name: string) =>
    container.env.find((e) => e.name === name)?.valueFrom.fieldRef.fieldPath;
  assert.equal(fieldOf('POD_NAME'), 'metadata.name');
  assert.equal(fieldOf('POD_NAMESPACE'), 'metadata.namespace');

  const role = docs.find((d) => d.kind === 'Role') as KubeObject & {
    rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  };
  assert.equal(role.metadata.namespace, 'moor-system');
  const leases = role.rules.find(
    (r) => r.apiGroups.includes('coordination.k8s.io') && r.resources.includes('leases'),
  );
  for (const verb of ['get', 'create', 'update']) assert.ok(leases?.verbs.includes(verb), verb);
  const binding = docs.find((d) => d.kind === 'RoleBinding') as KubeObject & {
    roleRef: { kind: string; name: string };
    subjects: { kind: string; name: string; namespace: string }[];
  };
  assert.equal(binding.metadata.namespace, 'moor-system');
  assert.deepEqual(binding.roleRef, {
    apiGroup: 'rbac.authorization.k8s.io',
    kind: 'Role',
    name: role.metadata.name,
  });
  assert.deepEqual(binding.subjects, [
    { kind: 'ServiceAccount', name: 'moor-operator', namespace: 'moor-system' },
  ]);
});
