// `moor diff sync NAME --ref/--path` against a real Sync applied by a real operator: it lists
// exactly what the other state would create, change and prune, and writes nothing.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  configMapYaml,
  getObject,
  gitRepository,
  setUpScenario,
  sync,
  waitSyncReady,
} from '../helpers/operator.ts';
import { moor } from './helpers.ts';

const secretYaml = (password: string) => `apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  password: ${password}
`;
const deploymentYaml = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
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

type Change = { kind: string; name: string; fields?: { path: string; masked?: boolean }[] };
type PreviewJson = {
  revision: string;
  create: Change[];
  change: Change[];
  prune: Change[];
  unchanged: number;
  failed: unknown[];
};
const names = (changes: Change[]) => changes.map((c) => `${c.kind}/${c.name}`).sort();

void test('moor diff sync --ref and --path: exactly what would be created, changed and pruned; nothing written', async (t) => {
  const main = {
    'deploy/settings.yaml': configMapYaml('settings', { color: 'blue' }),
    'deploy/extra.yaml': configMapYaml('extra', { keep: 'no' }),
    'deploy/secret.yaml': secretYaml('main-password-1'),
    'deploy/web.yaml': deploymentYaml(1),
  };
  const { kube, ns, repo } = await setUpScenario(t, 'cli-diff', main);
  await applyObject(
    kube,
    gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'app', {
      sourceRef: { name: 'app' },
      path: './deploy',
      prune: true,
      targetNamespace: ns,
    }),
  );
  await waitSyncReady(kube, ns, 'app', await repo.revParse('HEAD'), 120_000);

  await repo.checkout('feature');
  const featureSha = await repo.commit({
    'deploy/settings.yaml': configMapYaml('settings', { color: 'green' }),
    'deploy/extra.yaml': null,
    'deploy/fresh.yaml': configMapYaml('fresh', { new: 'yes' }),
    'deploy/secret.yaml': secretYaml('feature-password-2'),
    'deploy/web.yaml': deploymentYaml(3),
  });
  await repo.checkout('main');
  const before = await Promise.all(
    ['settings', 'extra'].map(
      async (n) => (await getObject(kube, 'v1', 'ConfigMap', ns, n))?.metadata.resourceVersion,
    ),
  );

  const started = Date.now();
  const run = await moor(
    ['-n', ns, 'diff', 'sync', 'app', '--ref', 'feature', '-o', 'json'],
    120_000,
  );
  const tookMs = Date.now() - started;
  assert.equal(run.code, 1, run.stderr);
  const p = JSON.parse(run.stdout) as PreviewJson;
  assert.equal(p.revision, `feature@sha1:${featureSha}`);
  assert.deepEqual(names(p.create), ['ConfigMap/fresh']);
  assert.deepEqual(names(p.change), ['ConfigMap/settings', 'Deployment/web', 'Secret/db']);
  assert.deepEqual(names(p.prune), ['ConfigMap/extra']);
  assert.deepEqual(p.failed, []);
  const fields = (name: string) => p.change.find((c) => c.name === name)?.fields ?? [];
  assert.deepEqual(fields('settings'), [
    { path: 'data.color', before: '"blue"', after: '"green"' },
  ]);
  assert.deepEqual(fields('web'), [{ path: 'spec.replicas', before: '1', after: '3' }]);
  assert.deepEqual(fields('db'), [{ path: 'data.password', masked: true }]);
  assert.ok(!run.stdout.includes('feature-password-2') && !run.stdout.includes('main-password-1'));
  t.diagnostic(`moor diff --ref feature: ${tookMs} ms`);

  // Nothing was written: the new object does not exist, the others kept their versions.
  assert.equal(await getObject(kube, 'v1', 'ConfigMap', ns, 'fresh'), undefined);
  const after = await Promise.all(
    ['settings', 'extra'].map(
      async (n) => (await getObject(kube, 'v1', 'ConfigMap', ns, n))?.metadata.resourceVersion,
    ),
  );
  assert.deepEqual(after, before);

  // The applied branch previews as no changes (exit 0), in every format.
  const same = await moor(['-n', ns, 'diff', 'sync', 'app', '--ref', 'main']);
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, /0 to create, 0 to change, 0 to prune\nno changes/);

  // A local directory holding the Sync's path: the same answer as the branch, in Markdown.
  const local = await mkdtemp(join(tmpdir(), 'moor-diff-local-'));
  t.after(() => rm(local, { recursive: true, force: true }));
  await mkdir(local, { recursive: true });
  await writeFile(join(local, 'settings.yaml'), configMapYaml('settings', { color: 'green' }));
  await writeFile(join(local, 'fresh.yaml'), configMapYaml('fresh', { new: 'yes' }));
  await writeFile(join(local, 'secret.yaml'), secretYaml('feature-password-2'));
  await writeFile(join(local, 'web.yaml'), deploymentYaml(3));
  const md = await moor(['-n', ns, 'diff', 'sync', 'app', '--path', local, '-o', 'markdown']);
  assert.equal(md.code, 1, md.stderr);
  assert.match(md.stdout, /\*\*1 to create, 3 to change, 1 to prune\*\*/);
  assert.match(md.stdout, /### To prune \(1\)\n\n- `ConfigMap\/[^/]+\/extra`/);
  assert.match(md.stdout, /`data\.password: \(secret value hidden\)`/);
  assert.ok(!md.stdout.includes('feature-password-2'));

  // Errors exit 2 and name what is wrong.
  const noRef = await moor(['-n', ns, 'diff', 'sync', 'app', '--ref', 'no-such-branch']);
  assert.equal(noRef.code, 2);
  assert.match(noRef.stderr, new RegExp(`GitRepository ${ns}/app: ref no-such-branch`));
  const noSync = await moor(['-n', ns, 'diff', 'sync', 'nope', '--ref', 'main']);
  assert.equal(noSync.code, 2);
  assert.match(noSync.stderr, new RegExp(`Sync ${ns}/nope not found`));
});
