// A Sync whose source does not exist, and a source whose URL Moor refuses: both say so and stall
// instead of retrying as if the failure were transient, and both recover once fixed.
import assert from 'node:assert/strict';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getObject,
  getSync,
  gitRepository,
  setUpScenario,
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';

test('a Sync naming a GitRepository that does not exist stalls, and recovers when it is created', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-nosource', {
    'cm.yaml': configMapYaml('web', { v: '1' }),
  });
  await applyObject(
    kube,
    sync(ns, 'web', { sourceRef: { name: 'later' }, path: './', targetNamespace: ns }),
  );
  await waitFor(
    'the missing source reported',
    async () => conditionOf(await getSync(kube, ns, 'web'), 'Stalled')?.status === 'True',
  );
  const s = await getSync(kube, ns, 'web');
  const ready = conditionOf(s, 'Ready');
  assert.equal(ready?.status, 'False');
  assert.equal(ready?.reason, 'SourceNotFound');
  assert.match(ready?.message ?? '', new RegExp(`GitRepository ${ns}/later does not exist`));
  assert.equal(conditionOf(s, 'Stalled')?.reason, 'SourceNotFound');

  await applyObject(
    kube,
    gitRepository(ns, 'later', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  const recovered = await waitSyncReady(kube, ns, 'web', await repo.revParse('HEAD'));
  assert.equal(conditionOf(recovered, 'Stalled'), undefined, 'no longer Stalled');
  assert.ok(await getObject(kube, 'v1', 'ConfigMap', ns, 'web'), 'applied once the source exists');
});

test('a GitRepository URL Moor refuses stalls the source, and a fixed URL recovers it', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-badurl', {
    'cm.yaml': configMapYaml('web', { v: '1' }),
  });
  // Admission takes it (an http:// form), but it is no URL: the host is a broken IPv6 literal.
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: 'http://[not-a-host/app.git', ref: { branch: 'main' } }),
  );
  const source = () => getObject(kube, 'moor.dev/v1alpha1', 'GitRepository', ns, 'src');
  await waitFor(
    'the invalid URL reported',
    async () => conditionOf(await source(), 'Ready')?.status === 'False',
  );
  const refused = await source();
  assert.equal(conditionOf(refused, 'Ready')?.reason, 'InvalidUrl');
  assert.match(conditionOf(refused, 'Ready')?.message ?? '', /not a URL/);
  assert.equal(conditionOf(refused, 'Stalled')?.status, 'True');
  assert.equal(conditionOf(refused, 'Stalled')?.reason, 'InvalidUrl');

  // A Sync of it waits and says why, without claiming the source is missing.
  await applyObject(
    kube,
    sync(ns, 'web', { sourceRef: { name: 'src' }, path: './', targetNamespace: ns }),
  );
  await waitFor(
    'the Sync names the refused URL',
    async () => conditionOf(await getSync(kube, ns, 'web'), 'Ready')?.reason === 'ArtifactNotReady',
  );
  const waiting = await getSync(kube, ns, 'web');
  assert.match(conditionOf(waiting, 'Ready')?.message ?? '', /has no artifact yet: InvalidUrl/);
  assert.equal(conditionOf(waiting, 'Stalled'), undefined);

  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await waitSyncReady(kube, ns, 'web', await repo.revParse('HEAD'));
  const fixed = await source();
  assert.equal(conditionOf(fixed, 'Ready')?.status, 'True');
  assert.equal(conditionOf(fixed, 'Stalled'), undefined, 'no longer Stalled');
});
