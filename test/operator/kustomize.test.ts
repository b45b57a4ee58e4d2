// Kustomizations through the real operator: built with the pinned kustomize found without any
// environment variable.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { testCluster, testNamespace } from '../helpers/cluster.ts';
import { createTestRepo, fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  configMapYaml,
  getObject,
  gitRepository,
  installCrds,
  moorBin,
  sync,
  testKube,
  waitSyncReady,
} from '../helpers/operator.ts';

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
