// Charts from an OCI registry (Debian's docker-registry on loopback, with basic auth), pushed with
// `helm push --plain-http`: a HelmRepository with an oci:// URL and credentials from a Secret; the
// highest tag in the range is rendered and reported, and bumping the range upgrades.
import assert from 'node:assert/strict';
import { readdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeClient } from '../../src/kube/index.ts';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import { runHelm, testHelm, writeWebRepository } from '../helpers/helm.ts';
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
import { startTestRegistry } from '../helpers/registry.ts';

const { helm, skip } = testHelm();
const auth = { username: 'moor', password: 'oci-secret' };

const version = async (kube: KubeClient, ns: string) =>
  ((await getObject(kube, 'v1', 'ConfigMap', ns, 'web-info'))?.data as { version?: string })
    ?.version;

test(
  'a chart from an OCI registry with credentials from a Secret converges and upgrades',
  { skip, timeout: 300_000 },
  async (t) => {
    const work = await mkdtemp(join(tmpdir(), 'moor-helm-oci-'));
    t.after(() => rm(work, { recursive: true, force: true }));
    await writeWebRepository(work, helm ?? '', {
      '1.0.0': { frozen: '1' },
      '1.1.0': { frozen: '1' },
    });
    const registry = await startTestRegistry({ auth });
    t.after(() => registry.close());
    for (const file of (await readdir(join(work, 'repo'))).filter((f) => f.endsWith('.tgz'))) {
      const login = ['--username', auth.username, '--password', auth.password];
      await runHelm(
        helm ?? '',
        [
          'push',
          join(work, 'repo', file),
          `oci://${registry.host}/charts`,
          '--plain-http',
          ...login,
        ],
        join(work, '.push-home'),
      );
    }
    const { kube, ns, repo } = await setUpScenario(t, 'op-helm-oci', {
      'README.md': 'values only\n',
    });
    await applyObject(kube, secretObject(ns, 'oci-auth', auth));
    await applyObject(kube, {
      apiVersion: 'moor.dev/v1alpha1',
      kind: 'HelmRepository',
      metadata: { name: 'oci', namespace: ns },
      spec: {
        url: `oci://${registry.host}/charts`,
        insecure: true,
        interval: '1s',
        secretRef: { name: 'oci-auth' },
      },
    });
    await applyObject(
      kube,
      gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
    );
    const web = (range: string) =>
      sync(ns, 'web', {
        sourceRef: { name: 'app' },
        helm: { sourceRef: { kind: 'HelmRepository', name: 'oci' }, chart: 'web', version: range },
      });
    const ready = async (want: string) => {
      let seen = '';
      await waitFor(
        `web ${want} from the registry`,
        async () => {
          const got = await getSync(kube, ns, 'web');
          const cond = conditionOf(got, 'Ready');
          seen = `${cond?.status ?? '?'} ${cond?.message ?? ''}`;
          const status = got?.status as { helm?: { version?: string } } | undefined;
          return (
            cond?.status === 'True' &&
            status?.helm?.version === want &&
            (await version(kube, ns)) === want
          );
        },
        120_000,
      ).catch((error: unknown) => {
        throw new Error(`${(error as Error).message} (last: ${seen})`);
      });
    };
    await applyObject(kube, web('~1.0.0'));
    await ready('1.0.0');
    await applyObject(kube, web('^1.0.0'));
    await ready('1.1.0');
    // Without the credentials the registry refuses, and the error says so.
    await applyObject(kube, secretObject(ns, 'oci-auth', { username: 'moor', password: 'wrong' }));
    await applyObject(kube, web('^1.0.1'));
    await waitFor(
      'the refusal',
      async () => {
        const cond = conditionOf(await getSync(kube, ns, 'web'), 'Ready');
        return (
          cond?.status === 'False' &&
          /HelmRepository .*\/oci: chart oci:\/\/.*web/.test(cond.message)
        );
      },
      120_000,
    );
    const message = conditionOf(await getSync(kube, ns, 'web'), 'Ready')?.message ?? '';
    assert.doesNotMatch(message, /wrong|oci-secret/, 'a password in the message');
    assert.equal(await version(kube, ns), '1.1.0');
  },
);
