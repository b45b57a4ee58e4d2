// spec.rollback.onHealthFailure: a revision whose Deployment never becomes ready within
// spec.timeout is followed by the last healthy revision applied again, a RolledBack event, and
// the Sync not Ready until Git moves on.
import assert from 'node:assert/strict';
import { moor } from '../cli/helpers.ts';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  getObject,
  getSync,
  gitRepository,
  setUpScenario,
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';

const deployment = (image: string, ready: boolean) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
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
          image: ${image}
`;

test('an unhealthy revision is rolled back to the last healthy one', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-autoback', {
    'web.yaml': deployment('example/web:1', true),
  });
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  const spec = {
    sourceRef: { name: 'src' },
    path: './',
    targetNamespace: ns,
    wait: true,
    timeout: '10s',
    rollback: { onHealthFailure: true },
  };
  await applyObject(kube, sync(ns, 'web', spec));
  const good = await repo.revParse('HEAD');
  await waitSyncReady(kube, ns, 'web', good, 120_000);

  const bad = await repo.commit({ 'web.yaml': deployment('example/web:2', false) }, 'web 2');
  const image = async () =>
    (
      (await getObject(kube, 'apps/v1', 'Deployment', ns, 'web'))?.spec as {
        template: { spec: { containers: { image: string }[] } };
      }
    ).template.spec.containers[0]?.image;
  await waitFor(
    'the bad revision applied',
    async () => (await image()) === 'example/web:2',
    60_000,
  );
  await waitFor('the rollback', async () => (await image()) === 'example/web:1', 120_000);
  await waitFor(
    'the Sync RolledBack, healthy on the old revision',
    async () => {
      const s = await getSync(kube, ns, 'web');
      const status = s?.status as { lastAppliedRevision?: string; rolledBack?: { from: string } };
      return (
        conditionOf(s, 'Ready')?.reason === 'RolledBack' &&
        conditionOf(s, 'Healthy')?.status === 'True' &&
        status.lastAppliedRevision?.endsWith(good) === true &&
        status.rolledBack?.from.endsWith(bad) === true
      );
    },
    120_000,
  );
  const s = await getSync(kube, ns, 'web');
  assert.equal(conditionOf(s, 'Ready')?.status, 'False');
  assert.match(conditionOf(s, 'Ready')?.message ?? '', /failed its health checks; rolled back/);

  const events = await kube.list('v1', 'Event', { namespace: ns }, AbortSignal.timeout(10_000));
  assert.ok(events.ok);
  const rolled = events.value.items.filter((e) => e.reason === 'RolledBack');
  assert.equal(rolled.length, 1, JSON.stringify(rolled.map((e) => e.message)));
  assert.match(
    String(rolled[0]?.message),
    new RegExp(`revision main@sha1:${bad.slice(0, 12)} failed its health checks`),
  );

  // A reconcile while rolled back (nothing changes) adds nothing to the history.
  const handled = (o: unknown) =>
    (o as { status?: { lastHandledReconcileAt?: string } } | undefined)?.status
      ?.lastHandledReconcileAt;
  const before = handled(await getSync(kube, ns, 'web'));
  const requested = await moor(['-n', ns, 'reconcile', 'sync', 'web']);
  assert.equal(requested.code, 0, requested.stderr);
  await waitFor(
    'the reconcile handled',
    async () => {
      const now = handled(await getSync(kube, ns, 'web'));
      return now !== undefined && now !== before;
    },
    60_000,
  );
  const history = await moor(['-n', ns, 'history', 'sync', 'web', '-o', 'json']);
  const items = (JSON.parse(history.stdout) as { items: { revision: string; result: string }[] })
    .items;
  assert.deepEqual(
    items.slice(0, 2).map((i) => [i.revision.slice(-40), i.result]),
    [
      [good, 'RolledBack'],
      [bad, 'Failed'],
    ],
  );

  // Git moves on: the rollback ends and the Sync is Ready on the new revision.
  const fixed = await repo.commit({ 'web.yaml': deployment('example/web:3', true) }, 'web 3');
  const ready = await waitSyncReady(kube, ns, 'web', fixed, 120_000);
  assert.equal((ready.status as { rolledBack?: unknown }).rolledBack, undefined);
});
