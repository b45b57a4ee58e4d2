// Helm charts through the real operator: a chart in Git (a CRD, a vendored dependency with
// Chart.lock, hooks) rendered by the real helm, applied as ordinary objects (no release Secret),
// values merged in the documented order, a forced reconcile running no helm and writing nothing,
// a valuesFrom change re-rendering, and render errors naming the chart, template or values file.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../../src/core/index.ts';
import type { KubeClient } from '../../src/kube/index.ts';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import { countingHelm, testHelm, widgetCrdName, writeAppChart } from '../helpers/helm.ts';
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

const { helm, skip } = testHelm();
const signal = () => AbortSignal.timeout(10_000);

const configMap = (ns: string, name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data,
});

async function listed(kube: KubeClient, apiVersion: string, kind: string, ns: string) {
  const res = await kube.list(apiVersion, kind, { namespace: ns }, signal());
  if (!res.ok) throw res.error;
  return res.value.items;
}

/** name → resourceVersion of the objects the chart applied (labelled with the Sync). */
async function versions(kube: KubeClient, ns: string, group: string) {
  const kinds: [string, string][] = [
    ['v1', 'ConfigMap'],
    [`${group}/v1`, 'Widget'],
  ];
  const out: Record<string, string> = {};
  for (const [apiVersion, kind] of kinds)
    for (const o of await listed(kube, apiVersion, kind, ns))
      if (o.metadata.labels?.['moor.dev/sync-name'] === 'web')
        out[`${kind}/${o.metadata.name ?? ''}`] = o.metadata.resourceVersion ?? '';
  return out;
}

async function requestReconcile(kube: KubeClient, ns: string, value: string) {
  const res = await kube.mergePatch(
    { apiVersion: 'moor.dev/v1alpha1', kind: 'Sync', namespace: ns, name: 'web' },
    { metadata: { annotations: { 'moor.dev/reconcile-requested-at': value } } },
    signal(),
  );
  if (!res.ok) throw res.error;
  await waitFor(
    `the reconcile requested at ${value}`,
    async () =>
      ((await getSync(kube, ns, 'web'))?.status as { lastHandledReconcileAt?: string } | undefined)
        ?.lastHandledReconcileAt === value,
    90_000,
  );
}

async function readyMessage(kube: KubeClient, ns: string, pattern: RegExp) {
  let message = '';
  await waitFor(
    `Sync ${ns}/web to fail with ${String(pattern)}`,
    async () => {
      const ready = conditionOf(await getSync(kube, ns, 'web'), 'Ready');
      message = ready?.message ?? '';
      return ready?.status === 'False' && pattern.test(message);
    },
    90_000,
  );
  return message;
}

test(
  'a chart in Git with a CRD, a dependency and hooks converges; a forced reconcile runs no helm',
  { skip, timeout: 300_000 },
  async (t) => {
    const work = await mkdtemp(join(tmpdir(), 'moor-helm-op-'));
    t.after(() => rm(work, { recursive: true, force: true }));
    const counting = await countingHelm(work, helm ?? '');
    const { kube, ns, repo } = await setUpScenario(
      t,
      'op-helm',
      { 'env/prod.yaml': 'greeting: from-file\nreplicas: 2\n' },
      { extraArgs: ['--helm', counting.path] },
    );
    const group = `${ns}.example.com`;
    t.after(async () => {
      await kube.delete(
        {
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          name: widgetCrdName(group),
        },
        {},
        signal(),
      );
    });
    await writeAppChart(repo.dir, helm ?? '', { group });
    const first = await repo.commit({});
    await applyObject(
      kube,
      configMap(ns, 'web-values', { 'values.yaml': 'greeting: from-configmap\n' }),
    );
    await applyObject(
      kube,
      gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
    );
    await applyObject(
      kube,
      sync(ns, 'web', {
        sourceRef: { name: 'app' },
        prune: true,
        helm: {
          chart: 'app',
          valuesFiles: ['env/prod.yaml'],
          valuesFrom: [{ kind: 'ConfigMap', name: 'web-values' }],
          values: { lib: { colour: 'green' } },
        },
      }),
    );
    const ready = await waitSyncReady(kube, ns, 'web', first, 120_000);

    // Values: chart defaults < valuesFiles < valuesFrom < inline values.
    const config = await getObject(kube, 'v1', 'ConfigMap', ns, 'web-config');
    assert.deepEqual(config?.data, { greeting: 'from-configmap', namespace: ns });
    const lib = await getObject(kube, 'v1', 'ConfigMap', ns, 'web-lib');
    assert.deepEqual(lib?.data, { colour: 'green' }, 'the vendored dependency rendered');
    const widget = await getObject(kube, `${group}/v1`, 'Widget', ns, 'web-widget');
    assert.deepEqual(widget?.spec, { size: 2 }, 'the CRD from crds/ was applied before its Widget');
    assert.ok(await getObject(kube, 'v1', 'ConfigMap', ns, 'web-pre'), 'the pre-install hook');
    assert.equal(await getObject(kube, 'v1', 'Pod', ns, 'web-test'), undefined, 'no test hook');
    assert.deepEqual((ready.status as { helm?: unknown }).helm, {
      chart: 'app',
      version: '1.2.0',
      skippedHooks: [`Pod/${ns}/web-test (test)`],
    });
    // No Helm release: helm list would show nothing.
    const secrets = await listed(kube, 'v1', 'Secret', ns);
    assert.deepEqual(
      secrets.filter((s) => (s as { type?: string }).type === 'helm.sh/release.v1'),
      [],
    );
    const runs = await counting.runs();
    assert.equal(runs, 1, 'one helm run for the first render');

    // A forced reconcile: no helm process, no write.
    const before = await versions(kube, ns, group);
    await requestReconcile(kube, ns, 'forced-1');
    await sleep(1000);
    assert.equal(await counting.runs(), runs, 'a forced reconcile ran helm');
    assert.deepEqual(await versions(kube, ns, group), before, 'a forced reconcile wrote');

    // A valuesFrom change re-renders at once: the ConfigMap is watched (no reconcile asked for).
    await applyObject(kube, configMap(ns, 'web-values', { 'values.yaml': 'greeting: changed\n' }));
    await waitFor('the new greeting', async () => {
      const got = await getObject(kube, 'v1', 'ConfigMap', ns, 'web-config');
      return (got?.data as { greeting?: string } | undefined)?.greeting === 'changed';
    });
    assert.equal(await counting.runs(), runs + 1);

    // A values file with a YAML error names file:line:col; nothing changes.
    const applied = await versions(kube, ns, group);
    const broken = await repo.commit({ 'env/prod.yaml': 'greeting: ok\nreplicas: [1\n' });
    const yamlError = await readyMessage(kube, ns, new RegExp(broken));
    assert.match(yamlError, /env\/prod\.yaml:3:1: /);
    // A template that fails names the chart, its version and helm's message with the template.
    const failing = await repo.commit({
      'env/prod.yaml': 'greeting: ok\n',
      'app/templates/bad.yaml': '{{ fail "no greeting for you" }}\n',
    });
    const helmError = await readyMessage(kube, ns, new RegExp(failing));
    assert.match(
      helmError,
      /chart app 1\.2\.0 \(app\): helm template failed: .*app\/templates\/bad\.yaml:1:3\): no greeting for you$/,
    );
    assert.deepEqual(
      await versions(kube, ns, group),
      applied,
      'a failed render changed the cluster',
    );
  },
);
