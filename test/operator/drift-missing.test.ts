// An object that is gone, or being deleted (held by a finalizer), is drift: Alert mode reports it
// in status.drift and InSync, Correct mode says so until it can re-create it. A Job its TTL
// removed once it finished is not.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { KubeClient } from '../../src/kube/index.ts';
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

const run = promisify(execFile);

async function kubectl(ns: string, ...args: string[]): Promise<void> {
  const { kubectl: bin, kubeconfig } = testCluster();
  await run(bin, ['--kubeconfig', kubeconfig, '-n', ns, ...args], { timeout: 30_000 });
}

const heldYaml = `apiVersion: v1
kind: ConfigMap
metadata:
  name: held
  finalizers: [example.com/hold]
data: { a: "1" }
`;
const jobYaml = `apiVersion: batch/v1
kind: Job
metadata:
  name: once
spec:
  ttlSecondsAfterFinished: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: once
          image: example/once:1
`;

type Drift = { objects?: { kind: string; name: string; deleted?: boolean }[] };

async function setUp(
  t: Parameters<typeof setUpScenario>[0],
  mode: string,
  extra: Record<string, unknown> = {},
) {
  const scenario = await setUpScenario(t, `drift-missing-${mode.toLowerCase()}`, {
    'held.yaml': heldYaml,
    'plain.yaml': configMapYaml('plain', { a: '1' }),
    'job.yaml': jobYaml,
  });
  const { kube, ns, repo } = scenario;
  // Let the test namespace go when the test ends.
  t.after(() =>
    kubectl(
      ns,
      'patch',
      'configmap/held',
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":null}}',
    ).catch(() => undefined),
  );
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
      drift: { mode, alertAfter: '1h' },
      ...extra,
    }),
  );
  await waitSyncReady(kube, ns, 'app', await repo.revParse('HEAD'));
  await waitFor(
    'the TTL to remove the Job',
    async () => (await getObject(kube, 'batch/v1', 'Job', ns, 'once')) === undefined,
    30_000,
  );
  return scenario;
}

const inSyncOf = async (kube: KubeClient, ns: string) =>
  conditionOf(await getSync(kube, ns, 'app'), 'InSync');

test('Alert mode reports an object being deleted, and not a Job its TTL removed', async (t) => {
  const { kube, ns } = await setUp(t, 'Alert');
  // The finished Job is gone, and that is no drift.
  await waitFor(
    'the Job not to count as drift',
    async () => (await inSyncOf(kube, ns))?.status === 'True',
    20_000,
  );
  await kubectl(ns, 'delete', 'configmap/held', '--wait=false');
  await waitFor(
    'the object being deleted reported',
    async () => (await inSyncOf(kube, ns))?.status === 'False',
    20_000,
  );
  const s = await getSync(kube, ns, 'app');
  assert.match(
    conditionOf(s, 'InSync')?.message ?? '',
    new RegExp(`ConfigMap/${ns}/held: deleted`),
  );
  const drift = (s?.status as { drift?: Drift }).drift;
  assert.deepEqual(
    drift?.objects?.map((o) => [o.kind, o.name, o.deleted]),
    [['ConfigMap', 'held', true]],
  );
});

test('Correct mode says an object is missing until it can re-create it', async (t) => {
  const { kube, ns } = await setUp(t, 'Correct');
  const before = (await getObject(kube, 'v1', 'ConfigMap', ns, 'held'))?.metadata.uid;
  await kubectl(ns, 'delete', 'configmap/held', '--wait=false');
  await waitFor(
    'InSync=False naming the object being deleted',
    async () => {
      const c = await inSyncOf(kube, ns);
      return c?.status === 'False' && c.message.includes(`ConfigMap/${ns}/held: deleted`);
    },
    20_000,
  );
  await kubectl(
    ns,
    'patch',
    'configmap/held',
    '--type=merge',
    '-p',
    '{"metadata":{"finalizers":null}}',
  );
  await waitFor(
    'the object re-created and InSync again',
    async () => {
      const cm = await getObject(kube, 'v1', 'ConfigMap', ns, 'held');
      return (
        cm !== undefined &&
        cm.metadata.uid !== before &&
        cm.metadata.deletionTimestamp === undefined &&
        (await inSyncOf(kube, ns))?.status === 'True'
      );
    },
    20_000,
  );
  assert.equal(await getObject(kube, 'batch/v1', 'Job', ns, 'once'), undefined);
});

test('Correct mode says an object is missing while re-creating it fails', async (t) => {
  const { kube, ns } = await setUp(t, 'Correct', { retryInterval: '2s' });
  // An admission policy that refuses the object, so the re-creation fails.
  const policy = `refuse-plain-${ns}`;
  const refs = [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      name: policy,
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      name: policy,
    },
  ];
  const removePolicy = async (): Promise<void> => {
    for (const ref of refs) await kube.delete(ref, {}, AbortSignal.timeout(10_000));
  };
  t.after(removePolicy);
  await applyObject(kube, {
    apiVersion: refs[0]!.apiVersion,
    kind: refs[0]!.kind,
    metadata: { name: policy },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: [''],
            apiVersions: ['v1'],
            operations: ['CREATE'],
            resources: ['configmaps'],
          },
        ],
      },
      validations: [
        { expression: "!object.metadata.name.startsWith('plain')", message: 'refused by test' },
      ],
    },
  });
  await applyObject(kube, {
    apiVersion: refs[1]!.apiVersion,
    kind: refs[1]!.kind,
    metadata: { name: policy },
    spec: {
      policyName: policy,
      validationActions: ['Deny'],
      matchResources: {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
      },
    },
  });
  await waitFor(
    'the policy to be in force',
    async () => {
      const probe = await kube.apply(
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain-probe', namespace: ns } },
        { fieldManager: 'probe', dryRun: true, force: true },
        AbortSignal.timeout(10_000),
      );
      return !probe.ok;
    },
    20_000,
  );
  await kubectl(ns, 'delete', 'configmap/plain', '--wait=true');
  let message = '';
  await waitFor(
    'InSync=False naming the object that could not be re-created',
    async () => {
      const s = await getSync(kube, ns, 'app');
      message = conditionOf(s, 'InSync')?.message ?? '';
      return (
        conditionOf(s, 'Ready')?.status === 'False' &&
        conditionOf(s, 'InSync')?.status === 'False' &&
        message.includes(`ConfigMap/${ns}/plain: deleted`)
      );
    },
    20_000,
  );
  t.diagnostic(message);
  await removePolicy();
  await waitFor(
    'the object re-created and InSync again',
    async () =>
      (await getObject(kube, 'v1', 'ConfigMap', ns, 'plain')) !== undefined &&
      (await inSyncOf(kube, ns))?.status === 'True',
    30_000,
  );
});
