// Drift seen within a watch event: corrected at once in Correct mode, reported with the field
// manager that made it in Alert mode.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { clusterTest as test, testCluster } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import type { testKube } from '../helpers/operator.ts';
import {
  applyObject,
  conditionOf,
  getObject,
  gitRepository,
  sync,
  waitFor,
  waitSyncReady,
  setUpScenario,
} from '../helpers/operator.ts';

const run = promisify(execFile);

const deploymentYaml = `apiVersion: apps/v1
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
`;

async function kubectl(ns: string, ...args: string[]): Promise<void> {
  const { kubectl: bin, kubeconfig } = testCluster();
  await run(bin, ['--kubeconfig', kubeconfig, '-n', ns, ...args], { timeout: 30_000 });
}

const replicas = async (kube: ReturnType<typeof testKube>, ns: string): Promise<number> =>
  ((await getObject(kube, 'apps/v1', 'Deployment', ns, 'web'))?.spec as { replicas: number })
    .replicas;

test('Correct mode puts a kubectl change back within a second and says so', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'drift-fix', {
    'web.yaml': deploymentYaml,
  });
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  // A long interval: only the watch can bring the correction this fast.
  await applyObject(
    kube,
    sync(ns, 'web', {
      sourceRef: { name: 'src' },
      path: './',
      targetNamespace: ns,
      interval: '1h',
    }),
  );
  await waitSyncReady(kube, ns, 'web', await repo.revParse('HEAD'));

  await kubectl(ns, 'scale', 'deployment/web', '--replicas=5');
  const changed = Date.now();
  await waitFor(
    'replicas corrected back to 2',
    async () => (await replicas(kube, ns)) === 2,
    10_000,
  );
  const took = Date.now() - changed;
  t.diagnostic(`corrected ${took} ms after kubectl scale returned`);
  // The interval is an hour, so only the watch can explain a correction within seconds; the
  // sub-second target is measured by the drift benchmark, not asserted on a loaded CI machine.
  assert.ok(took < 5000, `correction took ${took} ms`);
  await waitFor('DriftCorrected event', async () => {
    const events = await kube.list('v1', 'Event', { namespace: ns }, AbortSignal.timeout(10_000));
    return (
      events.ok &&
      events.value.items.some(
        (e) =>
          e.reason === 'DriftCorrected' && String(e.message).includes(`Deployment.apps/${ns}/web`),
      )
    );
  });

  // A deleted object comes back too.
  await kubectl(ns, 'delete', 'deployment/web', '--wait=true');
  await waitFor(
    'deleted Deployment recreated',
    async () => (await getObject(kube, 'apps/v1', 'Deployment', ns, 'web')) !== undefined,
    10_000,
  );
});

test('Alert mode leaves the change, reports the field and kubectl as its manager, and Ignore stays quiet', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'drift-alert', {
    'web.yaml': deploymentYaml,
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
    drift: { mode: 'Alert', alertAfter: '1h' },
  };
  await applyObject(kube, sync(ns, 'web', spec));
  let s = await waitSyncReady(kube, ns, 'web', await repo.revParse('HEAD'));
  assert.equal(conditionOf(s, 'InSync')?.status, 'True');

  await kubectl(ns, 'scale', 'deployment/web', '--replicas=4');
  await waitFor(
    'drift reported',
    async () => {
      s = (await getObject(kube, 'moor.dev/v1alpha1', 'Sync', ns, 'web'))!;
      return conditionOf(s, 'InSync')?.status === 'False';
    },
    10_000,
  );
  assert.equal(await replicas(kube, ns), 4, 'Alert mode must not correct');
  const drift = (
    s.status as {
      drift: {
        since: string;
        objects: {
          kind: string;
          name: string;
          fields: {
            path: string;
            manager?: string;
            since?: string;
            desired?: string;
            live?: string;
          }[];
        }[];
      };
    }
  ).drift;
  const web = drift.objects.find((o) => o.kind === 'Deployment' && o.name === 'web');
  const field = web?.fields.find((f) => f.path === 'spec.replicas');
  assert.ok(field, JSON.stringify(drift));
  assert.equal(field.manager, 'kubectl');
  assert.equal(field.desired, '2');
  assert.equal(field.live, '4');
  assert.ok(field.since);
  assert.equal(conditionOf(s, 'InSync')?.reason, 'DriftDetected');
  assert.match(conditionOf(s, 'InSync')?.message ?? '', /spec\.replicas \(kubectl\)/);

  // Putting it back by hand ends the drift.
  await kubectl(ns, 'scale', 'deployment/web', '--replicas=2');
  await waitFor(
    'InSync again',
    async () =>
      conditionOf(await getObject(kube, 'moor.dev/v1alpha1', 'Sync', ns, 'web'), 'InSync')
        ?.status === 'True',
    10_000,
  );
  s = (await getObject(kube, 'moor.dev/v1alpha1', 'Sync', ns, 'web'))!;
  assert.equal((s.status as { drift?: unknown }).drift, undefined);

  // Ignore: neither corrected nor reported.
  await applyObject(kube, sync(ns, 'web', { ...spec, drift: { mode: 'Ignore' } }));
  // InSync stays, saying that live objects are not compared (not True, not gone).
  const ignored = async () =>
    conditionOf(await getObject(kube, 'moor.dev/v1alpha1', 'Sync', ns, 'web'), 'InSync');
  await waitFor(
    'InSync Unknown: drift ignored',
    async () => (await ignored())?.status === 'Unknown',
    10_000,
  );
  await kubectl(ns, 'scale', 'deployment/web', '--replicas=3');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await replicas(kube, ns), 3);
  s = (await getObject(kube, 'moor.dev/v1alpha1', 'Sync', ns, 'web'))!;
  assert.equal(conditionOf(s, 'InSync')?.status, 'Unknown');
  assert.equal(conditionOf(s, 'InSync')?.reason, 'DriftIgnored');
  assert.equal((s.status as { drift?: unknown }).drift, undefined);
});
