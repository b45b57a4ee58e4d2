// Kustomizations through the real operator: built with the pinned kustomize found without any
// environment variable, inside a root holding only their own revision (not the host, not another
// source's artifact), never fetching remote resources unless the operator allows them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../../src/kube/index.ts';
import { clusterTest as test, testCluster, testNamespace } from '../helpers/cluster.ts';
import { createTestRepo, fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getObject,
  getSync,
  gitRepository,
  installCrds,
  moorBin,
  setUpScenario,
  sync,
  testKube,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';

/** Waits until the Sync settled (Ready True, or False for a build failure) and returns Ready. */
async function settledReady(kube: KubeClient, ns: string, name: string) {
  let ready: ReturnType<typeof conditionOf>;
  await waitFor(`Sync ${ns}/${name} to settle`, async () => {
    ready = conditionOf(await getSync(kube, ns, name), 'Ready');
    return ready?.status === 'True' || ready?.reason === 'BuildFailed';
  });
  return ready;
}

const configMapNames = async (kube: KubeClient, ns: string): Promise<string[]> => {
  const listed = await kube.list('v1', 'ConfigMap', { namespace: ns }, AbortSignal.timeout(10_000));
  if (!listed.ok) throw listed.error;
  return (
    listed.value.items
      .map((c) => c.metadata.name ?? '')
      // The API server's own, and the Sync's apply history (ADR 0019).
      .filter((n) => n !== 'kube-root-ca.crt')
  );
};

test("a kustomization cannot apply the host's files or another source's artifact", async (t) => {
  const work = await mkdtemp(join(tmpdir(), 'moor-kustomize-escape-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  // A kustomization on the operator's host, outside the artifact store.
  await mkdir(join(work, 'host'));
  await writeFile(join(work, 'host', 'kustomization.yaml'), 'resources: [host.yaml]\n');
  await writeFile(join(work, 'host', 'host.yaml'), configMapYaml('host-file', { from: 'host' }));
  const storagePath = join(work, 'artifacts');
  // Another source's repository, fetched into the same store.
  const tenant = await createTestRepo({
    files: {
      'secret/kustomization.yaml': 'resources: [tenant.yaml]\n',
      'secret/tenant.yaml': configMapYaml('other-tenant', { from: 'tenant' }),
    },
  });
  t.after(() => tenant.close());
  const { kube, ns, repo } = await setUpScenario(
    t,
    'op-kust-escape',
    { 'README.md': 'app\n' },
    { storagePath },
  );
  await applyObject(
    kube,
    gitRepository(ns, 'tenant', { url: fileUrl(tenant), ref: { branch: 'main' } }),
  );
  let digest = '';
  await waitFor('the tenant artifact', async () => {
    const src = await getObject(kube, 'moor.dev/v1alpha1', 'GitRepository', ns, 'tenant');
    digest =
      (src?.status as { artifact?: { digest?: string } } | undefined)?.artifact?.digest ?? '';
    return digest !== '';
  });
  // From <store>/<ns>/app/<digest>/<dir>: four levels up is the store, five the work dir.
  const entries = {
    host: '../../../../../host',
    tenant: `../../../tenant/${digest.replace(':', '-')}/secret`,
  };
  const files: Record<string, string> = {};
  for (const [name, entry] of Object.entries(entries)) {
    files[`${name}/kustomization.yaml`] = `resources:\n  - own.yaml\n  - ${entry}\n`;
    files[`${name}/own.yaml`] = configMapYaml(`own-${name}`, { from: 'app' });
  }
  const revision = await repo.commit(files);
  await applyObject(
    kube,
    gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  for (const name of Object.keys(entries))
    await applyObject(
      kube,
      sync(ns, name, { sourceRef: { name: 'app' }, path: `./${name}`, targetNamespace: ns }),
    );

  const settled: Record<string, string> = {};
  const want: Record<string, string> = {};
  for (const [name, entry] of Object.entries(entries)) {
    const ready = await settledReady(kube, ns, name);
    settled[name] = `${ready?.status ?? '?'}: ${ready?.message ?? ''}`;
    want[name] =
      `False: revision main@sha1:${revision}: ${name}/kustomization.yaml: resources entry ${entry} is outside the artifact`;
  }
  assert.deepEqual(settled, want);
  // Nothing of that revision was applied: neither what leaked nor the Syncs' own objects.
  assert.deepEqual(await configMapNames(kube, ns), []);
});

/** A loopback HTTP server serving one ConfigMap manifest; counts its requests. */
async function manifestServer(t: TestContext): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(200, { 'content-type': 'application/yaml' });
    res.end(configMapYaml('fetched', { from: 'http' }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  t.after(() => new Promise<void>((done) => server.close(() => done())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/cm.yaml`, requests: () => requests };
}

test('a remote resource in a kustomization is refused and never fetched, unless allowed', async (t) => {
  const server = await manifestServer(t);
  const allowedServer = await manifestServer(t);
  const files = (url: string) => ({
    'deploy/kustomization.yaml': `resources:\n  - own.yaml\n  - ${url}\n`,
    'deploy/own.yaml': configMapYaml('own', { from: 'app' }),
  });
  const refused = await setUpScenario(t, 'op-kust-remote', files(server.url));
  const allowed = await setUpScenario(t, 'op-kust-remote-ok', files(allowedServer.url), {
    extraArgs: ['--allow-remote-bases'],
  });
  for (const { kube, ns, repo } of [refused, allowed]) {
    await applyObject(
      kube,
      gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
    );
    await applyObject(
      kube,
      sync(ns, 'app', { sourceRef: { name: 'app' }, path: './deploy', targetNamespace: ns }),
    );
  }

  const revision = await refused.repo.revParse('HEAD');
  const ready = await settledReady(refused.kube, refused.ns, 'app');
  assert.equal(ready?.status, 'False', ready?.message);
  assert.equal(
    ready?.message,
    `revision main@sha1:${revision}: deploy/kustomization.yaml: resources entry ${server.url} is remote: remote bases and resources are refused unless the operator runs with --allow-remote-bases`,
  );
  assert.deepEqual(await configMapNames(refused.kube, refused.ns), []);
  assert.equal(server.requests(), 0);

  // The operator started with --allow-remote-bases fetches it.
  await waitSyncReady(allowed.kube, allowed.ns, 'app');
  assert.deepEqual((await configMapNames(allowed.kube, allowed.ns)).sort(), ['fetched', 'own']);
  assert.ok(allowedServer.requests() >= 1);
});

test('the operator started as the README shows (no MOOR_* variables) builds a kustomization', async (t) => {
  const cluster = testCluster();
  const kube = testKube();
  await installCrds(kube);
  const ns = await testNamespace(t, 'op-kust-readme');
  const repo = await createTestRepo({
    files: {
      'deploy/kustomization.yaml': 'namePrefix: readme-\nresources: [cm.yaml]\n',
      'deploy/cm.yaml': configMapYaml('settings', { from: 'kustomize' }),
    },
  });
  t.after(() => repo.close());
  const work = await mkdtemp(join(tmpdir(), 'moor-readme-operator-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  // The user's environment, with KUBECONFIG exported as `npm run cluster:up` says, and nothing
  // Moor-specific; run from somewhere that is not the checkout.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('MOOR_')),
  );
  env.KUBECONFIG = cluster.kubeconfig;
  const logPath = join(work, 'operator.log');
  const out = createWriteStream(logPath);
  // As in the README (`bin/moor operator --allow-file-urls`), scoped to this test's namespace and
  // on a free port so that it runs beside other tests.
  const child = spawn(
    moorBin,
    ['--namespace', ns, 'operator', '--allow-file-urls', '--http-addr', '127.0.0.1:0'],
    { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  t.after(async () => {
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });

  await applyObject(
    kube,
    gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'app', { sourceRef: { name: 'app' }, path: './deploy', targetNamespace: ns }),
  );
  await waitSyncReady(kube, ns, 'app').catch(async (error: unknown) => {
    throw new Error(`${String(error)}\noperator log:\n${await readFile(logPath, 'utf8')}`);
  });
  const cm = await getObject(kube, 'v1', 'ConfigMap', ns, 'readme-settings');
  assert.equal((cm?.data as Record<string, string> | undefined)?.from, 'kustomize');
  const started = (await readFile(logPath, 'utf8'))
    .split('\n')
    .find((l) => l.includes('"operator started"'));
  assert.match(started ?? '', /"kustomize":"[^"]*\/\.cache\/bin\/kustomize"/);
});
