// What status and metrics say about a Sync: conditions change when the state does and never
// contradict each other, Healthy counts the whole inventory, and commit-to-converged is measured
// once per revision.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { clusterTest as test, testCluster } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getSync,
  gitRepository,
  setUpScenario,
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';

// Ready pods, but available only after minReadySeconds: healthy a few seconds after the apply.
const slowDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  minReadySeconds: 4
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

type History = { startedAt: string; finishedAt?: string; result: string }[];

test('conditions move when the state does, Healthy counts every object, InSync stays in Ignore mode', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-cond', {
    'web.yaml': slowDeployment,
    'a.yaml': configMapYaml('a', { v: '1' }),
    'b.yaml': configMapYaml('b', { v: '1' }),
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
    timeout: '1m',
    drift: { mode: 'Alert', alertAfter: '1h' },
  };
  await applyObject(kube, sync(ns, 'web', spec));
  const s = await waitSyncReady(kube, ns, 'web', await repo.revParse('HEAD'));
  const [last] = (s.status as { history: History }).history;
  const ready = conditionOf(s, 'Ready') as { lastTransitionTime?: string } | undefined;
  const became = Date.parse(ready?.lastTransitionTime ?? '');
  const finished = Date.parse(last?.finishedAt ?? '');
  t.diagnostic(
    `apply started ${last?.startedAt}, finished ${last?.finishedAt}, Ready at ${ready?.lastTransitionTime}`,
  );
  // Condition times have second precision.
  assert.ok(
    became >= finished - 1000,
    `Ready=True dated ${ready?.lastTransitionTime}, before the apply finished at ${last?.finishedAt}`,
  );
  assert.equal(conditionOf(s, 'Healthy')?.message, 'all 3 objects are healthy');

  // Drift left in place (Alert): the health verdict still covers all three objects.
  const { kubectl, kubeconfig } = testCluster();
  execFileSync(kubectl, [
    '--kubeconfig',
    kubeconfig,
    '-n',
    ns,
    'patch',
    'configmap',
    'a',
    '--type=merge',
    '-p',
    '{"data":{"v":"by-hand"}}',
  ]);
  await waitFor(
    'the drift reported',
    async () => conditionOf(await getSync(kube, ns, 'web'), 'InSync')?.status === 'False',
    20_000,
  );
  const drifted = await getSync(kube, ns, 'web');
  assert.equal(conditionOf(drifted, 'Healthy')?.message, 'all 3 objects are healthy');

  // Ignore mode keeps an InSync condition that says drift is not looked at.
  await applyObject(kube, sync(ns, 'web', { ...spec, drift: { mode: 'Ignore' } }));
  await waitFor('the spec change observed', async () => {
    const o = await getSync(kube, ns, 'web');
    return (
      (o?.status as { observedGeneration?: number }).observedGeneration === o?.metadata.generation
    );
  });
  const ignoring = await waitSyncReady(kube, ns, 'web');
  const inSync = conditionOf(ignoring, 'InSync');
  assert.equal(inSync?.status, 'Unknown', 'InSync vanished or claims to know in Ignore mode');
  assert.equal(inSync?.reason, 'DriftIgnored');
});

const convergedCount = async (base: string, ns: string, name: string): Promise<number> => {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) =>
      l.startsWith(`moor_commit_to_converged_seconds_count{namespace="${ns}",sync="${name}"}`),
    );
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
};

test('commit-to-converged is observed once per revision, not again after a spec edit', async (t) => {
  const { kube, ns, repo, operator } = await setUpScenario(
    t,
    'op-c2c',
    { 'cm.yaml': configMapYaml('web', { v: '1' }) },
    { httpAddr: '127.0.0.1:0' },
  );
  const base = await operator.httpUrl();
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  const spec = { sourceRef: { name: 'src' }, path: './', targetNamespace: ns, interval: '1h' };
  await applyObject(kube, sync(ns, 'web', spec));
  await waitSyncReady(kube, ns, 'web', await repo.revParse('HEAD'));
  await waitFor('the first observation', async () => (await convergedCount(base, ns, 'web')) === 1);

  // A spec edit converges again on the same revision: no new commit, no new observation.
  await applyObject(kube, sync(ns, 'web', { ...spec, interval: '59m' }));
  await waitFor('the spec edit applied', async () => {
    const o = await getSync(kube, ns, 'web');
    return (o?.status as { observedGeneration?: number }).observedGeneration === 2;
  });
  await sleep(1000);
  assert.equal(await convergedCount(base, ns, 'web'), 1, 'observed again after a spec edit');

  const next = await repo.commit({ 'cm.yaml': configMapYaml('web', { v: '2' }) });
  await waitSyncReady(kube, ns, 'web', next);
  await waitFor(
    'the new revision observed',
    async () => (await convergedCount(base, ns, 'web')) === 2,
  );
});
