// Paths that try to leave the repository, end to end: a Sync `spec.path` with `..` or a leading
// `/` is refused by the API server naming the field (in every spelling tried here), and symlinks
// in the repository that point outside it fail their revision naming the link, with nothing of it
// applied. (Kustomizations reaching outside, and remote bases, are in kustomize.test.ts.)
import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeClient } from '../../src/kube/index.ts';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getSync,
  gitRepository,
  setUpScenario,
  sync,
  waitFor,
} from '../helpers/operator.ts';

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

/** Ready of the Sync once it is True or False on a revision (not while waiting for one). */
async function settledReady(kube: KubeClient, ns: string, name: string): Promise<string> {
  let ready: ReturnType<typeof conditionOf>;
  await waitFor(`Sync ${ns}/${name} to settle`, async () => {
    ready = conditionOf(await getSync(kube, ns, name), 'Ready');
    return ready?.status === 'True' || ready?.message.startsWith('revision ') === true;
  });
  return `${ready?.status ?? '?'}: ${ready?.message ?? ''}`;
}

test('a spec.path with .. or a leading / is refused by the API server, naming spec.path', async (t) => {
  const { kube, ns } = await setUpScenario(t, 'paths-dotdot', {
    'apps/cm.yaml': configMapYaml('inside', { v: '1' }),
  });
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: 'file:///nonexistent', ref: { branch: 'main' } }),
  );
  const paths = [
    '..',
    '../x',
    './..',
    'apps/../..',
    './apps/../../etc',
    'apps/..',
    '/etc',
    '//etc',
  ];
  const admitted: string[] = [];
  for (const path of paths) {
    const obj = sync(ns, 'escape', { sourceRef: { name: 'src' }, path, targetNamespace: ns });
    const res = await kube.apply(obj, { fieldManager: 'moor-test' }, AbortSignal.timeout(10_000));
    if (res.ok) {
      admitted.push(path);
      continue;
    }
    assert.match(res.error.message, /spec\.path: Invalid value/, path);
    assert.match(res.error.message, /must be a relative path inside the artifact/, path);
  }
  assert.deepEqual(admitted, [], 'paths the API server let through');
  assert.equal(await getSync(kube, ns, 'escape'), undefined);
  assert.deepEqual(await configMapNames(kube, ns), []);
});

test('a symlink out of the repository fails its revision naming the link; nothing is applied', async (t) => {
  const host = await mkdtemp(join(tmpdir(), 'moor-paths-host-'));
  t.after(() => rm(host, { recursive: true, force: true }));
  await writeFile(join(host, 'host.yaml'), configMapYaml('host-file', { from: 'host' }));
  const { kube, ns, repo } = await setUpScenario(t, 'paths-symlink', {
    'files/own.yaml': configMapYaml('own-files', { from: 'git' }),
    'dirs/own.yaml': configMapYaml('own-dirs', { from: 'git' }),
    'inside/own.yaml': configMapYaml('own-inside', { from: 'git' }),
  });
  // Links as Git stores them: a file link to a host file, a directory link climbing out, the
  // Sync's path itself a link to a host directory, and (the control) a link that stays inside.
  await symlink(join(host, 'host.yaml'), join(repo.dir, 'files', 'stolen.yaml'));
  await symlink('../../../../../../../../..', join(repo.dir, 'dirs', 'up'));
  await symlink(host, join(repo.dir, 'linked'));
  await symlink('../files/own.yaml', join(repo.dir, 'inside', 'again.yaml'));
  const revision = await repo.commit({}, 'symlinks');
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  const cases = {
    files: 'symlink files/stolen.yaml resolves outside the artifact',
    dirs: 'symlink dirs/up resolves outside the artifact',
    linked: 'path linked resolves outside the artifact (through a symlink)',
  };
  for (const name of [...Object.keys(cases), 'inside'])
    await applyObject(
      kube,
      sync(ns, name, { sourceRef: { name: 'src' }, path: `./${name}`, targetNamespace: ns }),
    );
  const settled: Record<string, string> = {};
  const want: Record<string, string> = {};
  for (const [name, message] of Object.entries(cases)) {
    settled[name] = await settledReady(kube, ns, name);
    want[name] = `False: revision main@sha1:${revision}: ${message}`;
  }
  assert.deepEqual(settled, want);
  assert.match(await settledReady(kube, ns, 'inside'), /^True/);
  // Only the control Sync applied anything; nothing came from the host.
  assert.deepEqual((await configMapNames(kube, ns)).sort(), ['own-files', 'own-inside'].sort());
});
