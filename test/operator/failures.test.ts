// Bad input and coordination: broken YAML, a missing CRD, two Syncs claiming one object,
// dependsOn and suspend. None of these may crash the operator or touch other Syncs.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
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
  getSync,
} from '../helpers/operator.ts';

test('broken YAML and an unknown kind fail clearly, apply nothing, and leave other Syncs alone', async (t) => {
  const { kube, ns, repo, operator } = await setUpScenario(t, 'op-bad', {
    'good/cm.yaml': configMapYaml('good', { v: '1' }),
    'bad/cm.yaml': configMapYaml('before', { v: '1' }),
    'crd/widget.yaml': configMapYaml('side', { v: '1' }),
  });
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  for (const name of ['good', 'bad', 'crd']) {
    await applyObject(
      kube,
      sync(ns, name, {
        sourceRef: { name: 'src' },
        path: `./${name}`,
        targetNamespace: ns,
        prune: true,
      }),
    );
  }
  const first = await repo.revParse('HEAD');
  for (const name of ['good', 'bad', 'crd']) await waitSyncReady(kube, ns, name, first);

  const second = await repo.commit({
    'good/cm.yaml': configMapYaml('good', { v: '2' }),
    // line 3, column 9 holds the stray quote
    'bad/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: "name: x\n  other: [\n',
    'crd/widget.yaml':
      configMapYaml('side', { v: '2' }) +
      '---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\n',
  });
  await waitSyncReady(kube, ns, 'good', second);
  await waitFor('bad Sync reports the YAML error', async () => {
    const ready = conditionOf(await getSync(kube, ns, 'bad'), 'Ready');
    return ready?.status === 'False' && ready.reason === 'BuildFailed';
  });
  const badReady = conditionOf(await getSync(kube, ns, 'bad'), 'Ready');
  assert.match(badReady?.message ?? '', /bad\/cm\.yaml:\d+:\d+/);
  assert.match(badReady?.message ?? '', new RegExp(second));

  await waitFor('crd Sync reports the unknown kind', async () => {
    const ready = conditionOf(await getSync(kube, ns, 'crd'), 'Ready');
    return ready?.status === 'False' && ready.reason === 'DryRunFailed';
  });
  const crdReady = conditionOf(await getSync(kube, ns, 'crd'), 'Ready');
  assert.match(crdReady?.message ?? '', /Widget/);
  assert.match(crdReady?.message ?? '', /w1/);
  assert.match(crdReady?.message ?? '', /CustomResourceDefinition missing/);
  // Nothing of the failed revision was applied: the ConfigMap next to the Widget keeps v=1.
  assert.equal(
    ((await getObject(kube, 'v1', 'ConfigMap', ns, 'side'))?.data as Record<string, string>).v,
    '1',
  );
  assert.equal(
    ((await getObject(kube, 'v1', 'ConfigMap', ns, 'before'))?.data as Record<string, string>).v,
    '1',
  );
  assert.equal(
    ((await getObject(kube, 'v1', 'ConfigMap', ns, 'good'))?.data as Record<string, string>).v,
    '2',
  );
  assert.equal(operator.process.exitCode, null, 'the operator is still running');

  // A fix in Git recovers without a restart.
  const third = await repo.commit({ 'bad/cm.yaml': configMapYaml('before', { v: '3' }) });
  await waitSyncReady(kube, ns, 'bad', third);
  assert.equal(
    ((await getObject(kube, 'v1', 'ConfigMap', ns, 'before'))?.data as Record<string, string>).v,
    '3',
  );
});

test('an object claimed by two Syncs is a conflict reported on both, never taken over', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-conflict', {
    'a/shared.yaml': configMapYaml('shared', { owner: 'a' }),
    'b/shared.yaml':
      configMapYaml('shared', { owner: 'b' }) + '---\n' + configMapYaml('b-only', { x: '1' }),
  });
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'a', { sourceRef: { name: 'src' }, path: './a', targetNamespace: ns }),
  );
  await waitSyncReady(kube, ns, 'a');
  await applyObject(
    kube,
    sync(ns, 'b', { sourceRef: { name: 'src' }, path: './b', targetNamespace: ns }),
  );
  await waitFor(
    'Sync b reports the conflict',
    async () => conditionOf(await getSync(kube, ns, 'b'), 'Ready')?.reason === 'Conflict',
  );
  assert.match(
    conditionOf(await getSync(kube, ns, 'b'), 'Ready')?.message ?? '',
    new RegExp(`ConfigMap/${ns}/shared.*Sync ${ns}/a`),
  );
  const shared = await getObject(kube, 'v1', 'ConfigMap', ns, 'shared');
  assert.equal((shared?.data as Record<string, string>).owner, 'a');
  assert.equal(shared?.metadata.labels?.['moor.dev/sync-name'], 'a');
  assert.equal(
    await getObject(kube, 'v1', 'ConfigMap', ns, 'b-only'),
    undefined,
    'nothing of b was applied',
  );
  await waitFor('Sync a is told about the conflict', async () => {
    const events = await kube.list('v1', 'Event', { namespace: ns }, AbortSignal.timeout(10_000));
    return (
      events.ok &&
      events.value.items.some(
        (e) => e.reason === 'Conflict' && (e.involvedObject as { name: string }).name === 'a',
      )
    );
  });
});

test('dependsOn waits for the named Sync, and suspend stops reconciling', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-deps', {
    'base/cm.yaml': configMapYaml('base', { v: '1' }),
    'app/cm.yaml': configMapYaml('app', { v: '1' }),
  });
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  // app depends on base, and base starts suspended: app must wait.
  await applyObject(
    kube,
    sync(ns, 'base', {
      sourceRef: { name: 'src' },
      path: './base',
      targetNamespace: ns,
      suspend: true,
    }),
  );
  await applyObject(
    kube,
    sync(ns, 'app', {
      sourceRef: { name: 'src' },
      path: './app',
      targetNamespace: ns,
      dependsOn: [{ name: 'base' }],
    }),
  );
  await waitFor(
    'app waits for base',
    async () =>
      conditionOf(await getSync(kube, ns, 'app'), 'Ready')?.reason === 'DependencyNotReady',
  );
  assert.match(
    conditionOf(await getSync(kube, ns, 'app'), 'Ready')?.message ?? '',
    new RegExp(`Sync ${ns}/base`),
  );
  assert.equal(await getObject(kube, 'v1', 'ConfigMap', ns, 'app'), undefined);
  assert.equal(
    await getObject(kube, 'v1', 'ConfigMap', ns, 'base'),
    undefined,
    'a suspended Sync applies nothing',
  );

  // Resume base: it applies, becomes Ready, and app follows at once.
  await applyObject(
    kube,
    sync(ns, 'base', {
      sourceRef: { name: 'src' },
      path: './base',
      targetNamespace: ns,
      suspend: false,
    }),
  );
  await waitSyncReady(kube, ns, 'base');
  await waitSyncReady(kube, ns, 'app', undefined, 20_000);
  assert.ok(await getObject(kube, 'v1', 'ConfigMap', ns, 'app'));

  // Suspend app: a new commit is not applied to it.
  await applyObject(
    kube,
    sync(ns, 'app', {
      sourceRef: { name: 'src' },
      path: './app',
      targetNamespace: ns,
      dependsOn: [{ name: 'base' }],
      suspend: true,
    }),
  );
  const next = await repo.commit({
    'app/cm.yaml': configMapYaml('app', { v: '2' }),
    'base/cm.yaml': configMapYaml('base', { v: '2' }),
  });
  await waitSyncReady(kube, ns, 'base', next);
  await sleep(1500);
  assert.equal(
    ((await getObject(kube, 'v1', 'ConfigMap', ns, 'app'))?.data as Record<string, string>).v,
    '1',
  );
});
