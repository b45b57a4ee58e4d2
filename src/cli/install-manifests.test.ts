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
      'Service/moor-operator',
      'NetworkPolicy/moor-operator',
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
  for (const verb of ['get', 'create', 'update', 'watch'])
    assert.ok(leases?.verbs.includes(verb), verb);
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

type Rule = { apiGroups?: string[]; resources?: string[]; verbs: string[] };
const rulesOf = (docs: KubeObject[], name: string): Rule[] =>
  (
    docs.find((d) => d.kind === 'ClusterRole' && d.metadata.name === name) as
      (KubeObject & { rules: Rule[] }) | undefined
  )?.rules ?? [];

void test('by default the operator may read everything but write only its own resources, and impersonate', async () => {
  const run = await runInProcess(['install', '--export']);
  assert.equal(run.code, 0, run.stderr);
  const docs = parseAllDocuments(run.stdout).map((d) => d.toJS() as KubeObject);
  const rules = rulesOf(docs, 'moor-operator');
  const writes = ['create', 'update', 'patch', 'delete', '*'];
  // Reviews persist nothing: creating one only asks the API server a question.
  const reviews = ['tokenreviews', 'subjectaccessreviews'];
  const isReview = (r: Rule) =>
    (r.apiGroups ?? []).every((g) =>
      ['authentication.k8s.io', 'authorization.k8s.io'].includes(g),
    ) && (r.resources ?? []).every((x) => reviews.includes(x));
  for (const r of rules.filter((x) => x.verbs.some((v) => writes.includes(v))))
    assert.ok(
      ((r.apiGroups ?? []).every((g) => ['moor.dev', '', 'events.k8s.io'].includes(g)) &&
        !(r.resources ?? []).includes('*')) ||
        r.apiGroups?.[0] === 'moor.dev' ||
        isReview(r),
      `a write rule beyond Moor's own resources: ${JSON.stringify(r)}`,
    );
  // The dashboard's reviews (ADR 0027).
  for (const review of reviews)
    assert.ok(
      rules.some((r) => r.resources?.includes(review) && r.verbs.includes('create')),
      review,
    );
  assert.ok(
    rules.some((r) => r.resources?.includes('serviceaccounts') && r.verbs.includes('impersonate')),
  );
  assert.ok(rules.some((r) => r.resources?.includes('*') && r.verbs.includes('watch')));
  assert.equal(
    rulesOf(docs, 'moor-operator-cluster-admin').length,
    0,
    'cluster-admin without opting in',
  );

  const admin = await runInProcess(['install', '--export', '--cluster-admin']);
  assert.equal(admin.code, 0, admin.stderr);
  const adminDocs = parseAllDocuments(admin.stdout).map((d) => d.toJS() as KubeObject);
  assert.ok(rulesOf(adminDocs, 'moor-operator-cluster-admin').some((r) => r.verbs.includes('*')));
  assert.ok(
    adminDocs.some(
      (d) => d.kind === 'ClusterRoleBinding' && d.metadata.name === 'moor-operator-cluster-admin',
    ),
  );
});

void test('the exported Deployment runs two replicas, probed, non-root, read-only, with an emptyDir for artifacts', async () => {
  const run = await runInProcess(['install', '--export']);
  const docs = parseAllDocuments(run.stdout).map((d) => d.toJS() as KubeObject);
  const d = docs.find((x) => x.kind === 'Deployment') as KubeObject & {
    spec: {
      replicas: number;
      template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } };
    };
  };
  assert.equal(d.spec.replicas, 2);
  const pod = d.spec.template.spec;
  const c = pod.containers[0] as {
    livenessProbe: { httpGet: { path: string } };
    readinessProbe: { httpGet: { path: string } };
    resources: { requests: Record<string, string> };
    securityContext: { readOnlyRootFilesystem: boolean };
    volumeMounts: { name: string; mountPath: string }[];
    args: string[];
  };
  assert.equal(c.livenessProbe.httpGet.path, '/healthz');
  assert.equal(c.readinessProbe.httpGet.path, '/readyz');
  assert.ok(c.resources.requests.cpu && c.resources.requests.memory);
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.equal((pod.securityContext as { runAsNonRoot: boolean }).runAsNonRoot, true);
  assert.ok(c.args.includes('--storage-path=/data'));
  assert.deepEqual(
    (pod.volumes as { name: string; emptyDir?: object }[]).find((v) => v.name === 'data'),
    { name: 'data', emptyDir: {} },
  );
  const service = docs.find((x) => x.kind === 'Service') as KubeObject & {
    spec: { ports: { port: number }[] };
  };
  assert.equal(service.spec.ports[0]?.port, 9090);
});
