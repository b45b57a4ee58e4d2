// Sources over real transports: smart HTTP with basic auth, SSH with key + known_hosts, semver
// tags; and an unreachable server that keeps the last good artifact and the cluster as it was.
import assert from 'node:assert/strict';
import { clusterTest as test } from '../helpers/cluster.ts';
import { startHttpGitServer, startSshGitServer } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getObject,
  gitRepository,
  sync,
  waitFor,
  waitSyncReady,
  setUpScenario,
  secretObject,
} from '../helpers/operator.ts';

test('HTTP with basic auth: applies, and an unreachable server keeps the last good state', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-http', {
    'cm.yaml': configMapYaml('web', { v: '1' }),
  });
  const server = await startHttpGitServer(repo, {
    basic: { username: 'moor', password: 's3cret' },
  });
  t.after(() => server.close());

  await applyObject(kube, secretObject(ns, 'wrong', { username: 'moor', password: 'nope' }));
  await applyObject(
    kube,
    gitRepository(ns, 'src', {
      url: server.url,
      ref: { branch: 'main' },
      secretRef: { name: 'wrong' },
    }),
  );
  await waitFor('wrong password reported', async () => {
    const ready = conditionOf(
      await getObject(kube, 'moor.dev/v1alpha1', 'GitRepository', ns, 'src'),
      'Ready',
    );
    return ready?.status === 'False';
  });
  const refused = conditionOf(
    await getObject(kube, 'moor.dev/v1alpha1', 'GitRepository', ns, 'src'),
    'Ready',
  );
  assert.equal(refused?.reason, 'AuthenticationFailed');
  assert.doesNotMatch(refused?.message ?? '', /nope/);

  await applyObject(kube, secretObject(ns, 'right', { username: 'moor', password: 's3cret' }));
  await applyObject(
    kube,
    gitRepository(ns, 'src', {
      url: server.url,
      ref: { branch: 'main' },
      secretRef: { name: 'right' },
    }),
  );
  await applyObject(
    kube,
    sync(ns, 'web', { sourceRef: { name: 'src' }, path: './', targetNamespace: ns }),
  );
  const first = await repo.revParse('HEAD');
  await waitSyncReady(kube, ns, 'web', first);
  const source = await getObject(kube, 'moor.dev/v1alpha1', 'GitRepository', ns, 'src');
  const artifact = (source?.status as { artifact: { revision: string; digest: string } }).artifact;
  assert.equal(artifact.revision, `main@sha1:${first}`);
  assert.match(artifact.digest, /^sha256:[0-9a-f]{64}$/);

  // The server goes away: the source says so, keeps its artifact, the cluster stays as it was.
  await server.close();
  await repo.commit({ 'cm.yaml': configMapYaml('web', { v: '2' }) });
  await waitFor('unreachable server reported', async () => {
    const ready = conditionOf(
      await getObject(kube, 'moor.dev/v1alpha1', 'GitRepository', ns, 'src'),
      'Ready',
    );
    return ready?.status === 'False';
  });
  const down = await getObject(kube, 'moor.dev/v1alpha1', 'GitRepository', ns, 'src');
  assert.match(conditionOf(down, 'Ready')?.message ?? '', /keeping the last good artifact/);
  assert.equal(
    (down?.status as { artifact: { revision: string } }).artifact.revision,
    `main@sha1:${first}`,
  );
  assert.equal(
    ((await getObject(kube, 'v1', 'ConfigMap', ns, 'web'))?.data as Record<string, string>).v,
    '1',
  );
  assert.equal(
    conditionOf(await getObject(kube, 'moor.dev/v1alpha1', 'Sync', ns, 'web'), 'Ready')?.status,
    'True',
  );
});

test('SSH with key and known_hosts, following the highest semver tag', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-ssh', {
    'cm.yaml': configMapYaml('web', { v: '1.0.0' }),
  });
  await repo.tag('v1.0.0');
  await repo.commit({ 'cm.yaml': configMapYaml('web', { v: '1.2.0' }) });
  const v12 = await repo.tag('v1.2.0');
  await repo.commit({ 'cm.yaml': configMapYaml('web', { v: '2.0.0' }) });
  await repo.tag('v2.0.0');
  const server = await startSshGitServer(repo);
  t.after(() => server.close());

  await applyObject(
    kube,
    secretObject(ns, 'ssh', { identity: server.identity, known_hosts: server.knownHosts }),
  );
  await applyObject(
    kube,
    gitRepository(ns, 'src', {
      url: server.url,
      ref: { semver: '>=1.0.0 <2.0.0' },
      secretRef: { name: 'ssh' },
    }),
  );
  await applyObject(
    kube,
    sync(ns, 'web', { sourceRef: { name: 'src' }, path: './', targetNamespace: ns }),
  );
  const s = await waitSyncReady(kube, ns, 'web', v12);
  assert.equal(
    (s.status as { lastAppliedRevision: string }).lastAppliedRevision,
    `v1.2.0@sha1:${v12}`,
  );
  assert.equal(
    ((await getObject(kube, 'v1', 'ConfigMap', ns, 'web'))?.data as Record<string, string>).v,
    '1.2.0',
  );

  // A newer tag in range is picked up.
  await repo.commit({ 'cm.yaml': configMapYaml('web', { v: '1.3.0' }) });
  const v13 = await repo.tag('v1.3.0');
  await waitSyncReady(kube, ns, 'web', v13);
  assert.equal(
    ((await getObject(kube, 'v1', 'ConfigMap', ns, 'web'))?.data as Record<string, string>).v,
    '1.3.0',
  );
});

test('file:// URLs are refused unless the operator allows them', async (t) => {
  const { kube, ns, repo } = await setUpScenario(
    t,
    'op-file',
    { 'cm.yaml': configMapYaml('web', { v: '1' }) },
    { allowFileUrls: false },
  );
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: `file://${repo.dir}`, ref: { branch: 'main' } }),
  );
  await waitFor('file:// refused', async () => {
    const ready = conditionOf(
      await getObject(kube, 'moor.dev/v1alpha1', 'GitRepository', ns, 'src'),
      'Ready',
    );
    return ready?.status === 'False' && ready.reason === 'InvalidUrl';
  });
  const ready = conditionOf(
    await getObject(kube, 'moor.dev/v1alpha1', 'GitRepository', ns, 'src'),
    'Ready',
  );
  assert.match(ready?.message ?? '', /--allow-file-urls/);
});
