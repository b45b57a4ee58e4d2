// Charts from a Helm repository served over HTTP on loopback (helm package + helm repo index,
// basic auth): the highest version in the range is rendered and reported, bumping the range
// upgrades, a range with no match lists the versions found, and an upgrade that changes an
// immutable field fails clearly unless spec.force; editing the HelmRepository wakes the Sync.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeClient } from '../../src/kube/index.ts';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  serveChartRepository as serveRepository,
  testHelm,
  writeWebRepository,
} from '../helpers/helm.ts';
import {
  applyObject,
  conditionOf,
  getObject,
  getSync,
  gitRepository,
  secretObject,
  setUpScenario,
  sync,
  waitFor,
} from '../helpers/operator.ts';

const { helm, skip } = testHelm();

async function settle(
  kube: KubeClient,
  ns: string,
  want: (status: string, message: string) => boolean,
) {
  let seen = '';
  await waitFor(
    `Sync ${ns}/web to settle`,
    async () => {
      const got = await getSync(kube, ns, 'web');
      const ready = conditionOf(got, 'Ready');
      seen = `${ready?.status ?? '?'}: ${ready?.message ?? ''}`;
      return want(ready?.status ?? '', ready?.message ?? '');
    },
    90_000,
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message} (last: ${seen})`);
  });
  return (await getSync(kube, ns, 'web'))?.status as { helm?: { version?: string } } | undefined;
}

const data = async (kube: KubeClient, ns: string, name: string) =>
  (await getObject(kube, 'v1', 'ConfigMap', ns, name))?.data as Record<string, string> | undefined;

test(
  'a chart from a Helm repository over HTTP with basic auth: versions, upgrades, immutable fields',
  { skip, timeout: 300_000 },
  async (t) => {
    const work = await mkdtemp(join(tmpdir(), 'moor-helm-repo-'));
    t.after(() => rm(work, { recursive: true, force: true }));
    await writeWebRepository(work, helm ?? '', {
      '1.0.0': { frozen: '1' },
      '1.1.0': { frozen: '1' },
      '1.2.0': { frozen: '2' },
    });
    const served = await serveRepository(t, join(work, 'repo'));
    const { kube, ns, repo } = await setUpScenario(t, 'op-helm-repo', {
      'env/prod.yaml': 'colour: green\n',
    });
    await applyObject(
      kube,
      secretObject(ns, 'charts-auth', { username: 'user', password: 'pass' }),
    );
    await applyObject(kube, {
      apiVersion: 'moor.dev/v1alpha1',
      kind: 'HelmRepository',
      metadata: { name: 'charts', namespace: ns },
      spec: { url: served.url, interval: '1h', secretRef: { name: 'charts-auth' } },
    });
    await applyObject(
      kube,
      gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
    );
    const web = (version: string, force = false) =>
      sync(ns, 'web', {
        sourceRef: { name: 'app' },
        // Edits reconcile at once; an hour's interval leaves the HelmRepository's edit below
        // to the watch.
        interval: '1h',
        force,
        helm: {
          sourceRef: { kind: 'HelmRepository', name: 'charts' },
          chart: 'web',
          version,
          valuesFiles: ['env/prod.yaml'],
        },
      });

    await applyObject(kube, web('~1.0.0'));
    let status = await settle(kube, ns, (s) => s === 'True');
    assert.equal(status?.helm?.version, '1.0.0');
    assert.deepEqual(await data(kube, ns, 'web-info'), { version: '1.0.0', colour: 'green' });

    // Bumping the range upgrades; the highest match wins.
    await applyObject(kube, web('>=1.0.0 <1.2.0'));
    status = await settle(kube, ns, (s, m) => s === 'True' && m !== '' && status !== undefined);
    await waitFor(
      '1.1.0 applied',
      async () => (await data(kube, ns, 'web-info'))?.version === '1.1.0',
      90_000,
    );
    status = await settle(kube, ns, (s) => s === 'True');
    assert.equal(status?.helm?.version, '1.1.0');
    assert.equal(served.requests.get('/web-1.1.0.tgz'), 1, 'each version is fetched once');

    // A range with no match lists the versions found; the cluster stays as it was.
    await applyObject(kube, web('>=3'));
    await settle(
      kube,
      ns,
      (s, m) =>
        s === 'False' &&
        /no version matches >=3; versions found: 1\.2\.0, 1\.1\.0, 1\.0\.0/.test(m),
    );
    assert.equal((await data(kube, ns, 'web-info'))?.version, '1.1.0');

    // 1.2.0 changes an immutable ConfigMap: refused unless spec.force.
    await applyObject(kube, web('1.2.0'));
    await settle(
      kube,
      ns,
      (s, m) => s === 'False' && /web-frozen.*immutable.*spec\.force/s.test(m),
    );
    assert.deepEqual(await data(kube, ns, 'web-frozen'), { v: '1' });
    await applyObject(kube, web('1.2.0', true));
    status = await settle(kube, ns, (s) => s === 'True');
    await waitFor(
      'the frozen ConfigMap recreated',
      async () => (await data(kube, ns, 'web-frozen'))?.v === '2',
      90_000,
    );
    assert.equal((await getSync(kube, ns, 'web'))?.status && status?.helm?.version, '1.2.0');
    assert.equal(served.requests.get('/index.yaml'), 1, 'the index is fetched once per interval');

    // Editing the HelmRepository wakes its Sync at once (no reconcile asked for, an hour's
    // interval): credentials the server refuses fail the render, naming the repository.
    await applyObject(kube, secretObject(ns, 'charts-wrong', { username: 'user', password: 'no' }));
    await applyObject(kube, {
      apiVersion: 'moor.dev/v1alpha1',
      kind: 'HelmRepository',
      metadata: { name: 'charts', namespace: ns },
      spec: { url: served.url, interval: '1h', secretRef: { name: 'charts-wrong' } },
    });
    await settle(
      kube,
      ns,
      (s, m) => s === 'False' && new RegExp(`HelmRepository ${ns}/charts: .*HTTP 401`).test(m),
    );
  },
);
