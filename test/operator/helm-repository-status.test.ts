// The HelmRepository reconciler against a chart repository served over HTTP on loopback (helm
// package + helm repo index, basic auth): Ready with the index digest and its charts and
// versions; an interval fetch of the same index writes no status; a newly published version is
// rolled out to a Sync with a range without forcing the Sync; refused credentials, an unreachable
// server and a bad index are Ready False with a reason naming each; a changed auth Secret
// fetches again at once.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import type { KubeClient } from '../../src/kube/index.ts';
import type { KubeObject } from '../../src/core/index.ts';
import { runInProcess } from '../../src/cli/test-helpers.ts';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import { serveChartRepository, testHelm, writeWebRepository } from '../helpers/helm.ts';
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

type RepoStatus = {
  artifact?: { digest?: string; lastUpdateTime?: string };
  charts?: number;
  versions?: number;
  observedGeneration?: number;
};

const helmRepository = (ns: string, name: string, url: string, secret?: string): KubeObject => ({
  apiVersion: 'moor.dev/v1alpha1',
  kind: 'HelmRepository',
  metadata: { name, namespace: ns },
  spec: { url, interval: '2s', ...(secret ? { secretRef: { name: secret } } : {}) },
});

const getRepo = (kube: KubeClient, ns: string, name: string) =>
  getObject(kube, 'moor.dev/v1alpha1', 'HelmRepository', ns, name);

/** Waits for the repository's Ready condition to match; returns the object. */
async function repoReady(
  kube: KubeClient,
  ns: string,
  name: string,
  want: (status: string, reason: string, message: string) => boolean,
): Promise<KubeObject> {
  let seen = '';
  await waitFor(
    `HelmRepository ${ns}/${name} to settle`,
    async () => {
      const ready = conditionOf(await getRepo(kube, ns, name), 'Ready');
      seen = `${ready?.status ?? '?'} ${ready?.reason ?? ''}: ${ready?.message ?? ''}`;
      return want(ready?.status ?? '', ready?.reason ?? '', ready?.message ?? '');
    },
    90_000,
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message} (last: ${seen})`);
  });
  const got = await getRepo(kube, ns, name);
  assert.ok(got);
  return got;
}

/** A loopback port nothing listens on (one just closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sha256 = async (path: string) =>
  `sha256:${createHash('sha256')
    .update(await readFile(path))
    .digest('hex')}`;

test(
  'a HelmRepository reports its index, writes no unchanged status, and rolls out a new version',
  { skip, timeout: 300_000 },
  async (t) => {
    const work = await mkdtemp(join(tmpdir(), 'moor-helm-repo-status-'));
    t.after(() => rm(work, { recursive: true, force: true }));
    const index = join(work, 'repo', 'index.yaml');
    await writeWebRepository(work, helm ?? '', {
      '1.0.0': { frozen: '1' },
      '1.1.0': { frozen: '1' },
    });
    const served = await serveChartRepository(t, join(work, 'repo'));
    const { kube, ns, repo } = await setUpScenario(t, 'op-helm-repo-status', {
      'README.md': 'charts from a repository\n',
    });
    await applyObject(kube, secretObject(ns, 'auth', { username: 'user', password: 'pass' }));
    await applyObject(kube, helmRepository(ns, 'charts', served.url, 'auth'));

    // Ready, with the digest of index.yaml as served and what it lists.
    let got = await repoReady(kube, ns, 'charts', (s) => s === 'True');
    let status = got.status as RepoStatus;
    assert.equal(status.artifact?.digest, await sha256(index));
    assert.match(status.artifact?.lastUpdateTime ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.equal(status.charts, 1);
    assert.equal(status.versions, 2);
    assert.equal(status.observedGeneration, got.metadata.generation);
    assert.match(conditionOf(got, 'Ready')?.message ?? '', /1 charts, 2 versions/);

    // Interval fetches of the same index write no status.
    const version = got.metadata.resourceVersion;
    const fetches = served.requests.get('/index.yaml') ?? 0;
    await waitFor(
      'two more interval fetches',
      () => (served.requests.get('/index.yaml') ?? 0) >= fetches + 2,
      60_000,
    );
    got = (await getRepo(kube, ns, 'charts')) ?? got;
    assert.equal(got.metadata.resourceVersion, version, 'an unchanged fetch writes no status');

    // A Sync with a range and an hour's interval takes the highest version...
    await applyObject(
      kube,
      gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
    );
    await applyObject(
      kube,
      sync(ns, 'web', {
        sourceRef: { name: 'app' },
        interval: '1h',
        helm: {
          sourceRef: { kind: 'HelmRepository', name: 'charts' },
          chart: 'web',
          version: '>=1.0.0',
        },
      }),
    );
    const deployed = async () =>
      ((await getObject(kube, 'v1', 'ConfigMap', ns, 'web-info'))?.data as { version?: string })
        ?.version;
    await waitFor('1.1.0 applied', async () => (await deployed()) === '1.1.0', 90_000);
    const generation = (await getSync(kube, ns, 'web'))?.metadata.generation;

    // ...and a newly published one, found by the repository's interval fetch, without the Sync
    // being edited or asked to reconcile.
    const before = status.artifact?.digest;
    await writeWebRepository(work, helm ?? '', { '1.2.0': { frozen: '1' } });
    await waitFor('1.2.0 applied', async () => (await deployed()) === '1.2.0', 90_000);
    const web = await getSync(kube, ns, 'web');
    assert.equal(web?.metadata.generation, generation);
    assert.equal(web?.metadata.annotations?.['moor.dev/reconcile-requested-at'], undefined);
    got = await repoReady(kube, ns, 'charts', (s, _r, m) => s === 'True' && /3 versions/.test(m));
    status = got.status as RepoStatus;
    assert.notEqual(status.artifact?.digest, before);
    assert.equal(status.artifact?.digest, await sha256(index));
    await waitFor(
      'the Sync reports 1.2.0',
      async () =>
        ((await getSync(kube, ns, 'web'))?.status as { helm?: { version?: string } } | undefined)
          ?.helm?.version === '1.2.0',
      60_000,
    );

    // The CLI: `moor get helmrepositories` shows Ready and the digest; `moor reconcile
    // helmrepository --wait` waits for the operator to handle the request.
    const connect = () => Promise.resolve(kube);
    const listed = await runInProcess(['get', 'helmrepositories', '-n', ns], { connect });
    assert.equal(listed.code, 0, listed.stderr);
    const short = (status.artifact?.digest ?? '').slice(0, 'sha256:'.length + 12);
    assert.match(listed.stdout, new RegExp(`^charts +True +${short} +false +index sha256:`, 'm'));
    const waited = await runInProcess(
      ['reconcile', 'helmrepository', 'charts', '--wait', '-n', ns],
      {
        connect,
        now: new Date(),
      },
    );
    assert.equal(waited.code, 0, waited.stderr);
    assert.match(waited.stdout, new RegExp(`fetched index ${status.artifact?.digest ?? '-'}`));
  },
);

test(
  'a HelmRepository that refuses, does not answer or serves no index is not Ready, and says why',
  { skip, timeout: 300_000 },
  async (t) => {
    const work = await mkdtemp(join(tmpdir(), 'moor-helm-repo-bad-'));
    t.after(() => rm(work, { recursive: true, force: true }));
    await writeWebRepository(work, helm ?? '', { '1.0.0': { frozen: '1' } });
    const served = await serveChartRepository(t, join(work, 'repo'));
    await mkdir(join(work, 'junk'));
    await writeFile(join(work, 'junk', 'index.yaml'), 'entries: 3\n');
    const junk = await serveChartRepository(t, join(work, 'junk'));
    const { kube, ns, repo } = await setUpScenario(t, 'op-helm-repo-bad', {
      'README.md': 'charts from a repository\n',
    });
    await applyObject(kube, secretObject(ns, 'wrong', { username: 'user', password: 'no' }));
    await applyObject(kube, secretObject(ns, 'auth', { username: 'user', password: 'pass' }));
    await applyObject(kube, helmRepository(ns, 'refused', served.url, 'wrong'));
    const port = await closedPort();
    await applyObject(kube, helmRepository(ns, 'gone', `http://127.0.0.1:${port}`));
    await applyObject(kube, helmRepository(ns, 'junk', junk.url, 'auth'));
    await applyObject(kube, helmRepository(ns, 'nosecret', served.url, 'absent'));

    await repoReady(
      kube,
      ns,
      'refused',
      (s, r, m) => s === 'False' && r === 'AuthenticationFailed' && /index\.yaml: HTTP 401/.test(m),
    );
    await repoReady(
      kube,
      ns,
      'gone',
      (s, r, m) =>
        s === 'False' &&
        r === 'Unreachable' &&
        new RegExp(`127\\.0\\.0\\.1:${port}/index\\.yaml: .*ECONNREFUSED`).test(m),
    );
    await repoReady(
      kube,
      ns,
      'junk',
      (s, r, m) => s === 'False' && r === 'IndexInvalid' && /index\.yaml has no entries/.test(m),
    );
    await repoReady(
      kube,
      ns,
      'nosecret',
      (s, r, m) => s === 'False' && r === 'SecretNotFound' && m.includes(`Secret ${ns}/absent`),
    );

    // A change of the auth Secret alone fetches again at once (an hour's interval).
    await applyObject(kube, secretObject(ns, 'rotated', { username: 'user', password: 'pass' }));
    await applyObject(kube, {
      ...helmRepository(ns, 'rotating', served.url, 'rotated'),
      spec: { url: served.url, interval: '1h', secretRef: { name: 'rotated' } },
    });
    await repoReady(kube, ns, 'rotating', (s) => s === 'True');
    await applyObject(kube, secretObject(ns, 'rotated', { username: 'user', password: 'old' }));
    await repoReady(
      kube,
      ns,
      'rotating',
      (s, r, m) => s === 'False' && r === 'AuthenticationFailed' && /HTTP 401/.test(m),
    );

    // `moor reconcile helmrepository --wait` fails with the reason.
    const refused = await runInProcess(
      ['reconcile', 'helmrepository', 'refused', '--wait', '-n', ns],
      { connect: () => Promise.resolve(kube), now: new Date() },
    );
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /refused: AuthenticationFailed: .*HTTP 401/);

    // A Sync's chart from the refusing repository fails its render as before, naming it.
    await applyObject(
      kube,
      gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
    );
    await applyObject(
      kube,
      sync(ns, 'web', {
        sourceRef: { name: 'app' },
        interval: '1h',
        helm: { sourceRef: { kind: 'HelmRepository', name: 'refused' }, chart: 'web' },
      }),
    );
    await waitFor(
      'the Sync to name the repository',
      async () => {
        const ready = conditionOf(await getSync(kube, ns, 'web'), 'Ready');
        return (
          ready?.status === 'False' &&
          new RegExp(`HelmRepository ${ns}/refused: .*HTTP 401`).test(ready.message)
        );
      },
      90_000,
    );
    assert.equal(await getObject(kube, 'v1', 'ConfigMap', ns, 'web-info'), undefined);
  },
);
