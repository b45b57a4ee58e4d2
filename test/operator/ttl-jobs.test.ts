// A Job removed by its ttlSecondsAfterFinished once it finished is done for its rendered spec: not
// re-created (in Correct mode, across a commit elsewhere and an operator restart), not counted
// against health, and re-created once when Git changes it.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { clusterTest as test } from '../helpers/cluster.ts';
import type { KubeClient } from '../../src/kube/index.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getObject,
  getSync,
  gitRepository,
  setUpScenario,
  startOperator,
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';

const jobYaml = (image: string): string => `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  ttlSecondsAfterFinished: 0
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: ${image}
`;

/** Counts the Jobs named `migrate` ever created in `ns` (distinct uids), until aborted. */
function countJobs(kube: KubeClient, ns: string, signal: AbortSignal): Set<string> {
  const uids = new Set<string>();
  void (async () => {
    while (!signal.aborted) {
      await kube.watch(
        'batch/v1',
        'Job',
        { namespace: ns, resourceVersion: '0' },
        (e) => {
          if (e.object.metadata.name === 'migrate' && e.object.metadata.uid)
            uids.add(e.object.metadata.uid);
        },
        signal,
      );
    }
  })();
  return uids;
}

const jobGone = async (kube: KubeClient, ns: string): Promise<boolean> =>
  (await getObject(kube, 'batch/v1', 'Job', ns, 'migrate')) === undefined;

test('a Job its TTL removed is created once, and a wait: true Sync becomes Ready', async (t) => {
  const { kube, ns, repo, operator } = await setUpScenario(t, 'ttl-job', {
    'job.yaml': jobYaml('example/migrate:1'),
    'config.yaml': configMapYaml('config', { v: '1' }),
  });
  const watching = new AbortController();
  t.after(() => watching.abort());
  const uids = countJobs(kube, ns, watching.signal);
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
      wait: true,
      timeout: '40s',
    }),
  );
  // Ready well before the 40 s timeout: the Job finished, then its TTL removed it.
  let s = await waitSyncReady(kube, ns, 'app', await repo.revParse('HEAD'), 60_000);
  assert.equal(conditionOf(s, 'Healthy')?.status, 'True', JSON.stringify(s.status));
  await waitFor('the TTL to remove the Job', () => jobGone(kube, ns), 20_000);
  await sleep(8000);
  assert.equal(uids.size, 1, `the Job was created ${uids.size} times`);
  assert.ok(await jobGone(kube, ns), 'the Job must not be re-created');
  s = (await getSync(kube, ns, 'app'))!;
  assert.equal(conditionOf(s, 'Ready')?.status, 'True');
  assert.equal(conditionOf(s, 'InSync')?.status, 'True');
  const finished = (s.status as { finishedJobs?: { name: string; result: string }[] }).finishedJobs;
  assert.deepEqual(
    finished?.map((f) => [f.name, f.result]),
    [['migrate', 'Complete']],
  );

  // A commit that leaves the Job as it was does not run it again.
  const other = await repo.commit({ 'config.yaml': configMapYaml('config', { v: '2' }) });
  await waitSyncReady(kube, ns, 'app', other, 60_000);
  // Nor does an operator restart: status.finishedJobs remembers it.
  await operator.stop();
  const restarted = await startOperator({ namespace: ns });
  t.after(() => restarted.stop());
  const requested = await kube.mergePatch(
    { apiVersion: 'moor.dev/v1alpha1', kind: 'Sync', namespace: ns, name: 'app' },
    { metadata: { annotations: { 'moor.dev/reconcile-requested-at': 'after-restart' } } },
    AbortSignal.timeout(10_000),
  );
  assert.ok(requested.ok);
  await waitFor(
    'the restarted operator to handle the request',
    async () =>
      ((await getSync(kube, ns, 'app'))?.status as { lastHandledReconcileAt?: string } | undefined)
        ?.lastHandledReconcileAt === 'after-restart',
    60_000,
  );
  await sleep(3000);
  assert.equal(uids.size, 1, `the Job was created again (${uids.size} in all)`);

  // A commit that changes the Job runs it once more.
  const changed = await repo.commit({ 'job.yaml': jobYaml('example/migrate:2') });
  await waitSyncReady(kube, ns, 'app', changed, 60_000);
  await waitFor('the changed Job to be created', () => uids.size === 2, 20_000);
  await waitFor('the TTL to remove it', () => jobGone(kube, ns), 20_000);
  await sleep(5000);
  assert.equal(uids.size, 2, `the changed Job was created ${uids.size - 1} times`);
  s = (await getSync(kube, ns, 'app'))!;
  assert.equal(conditionOf(s, 'Ready')?.status, 'True');
});
