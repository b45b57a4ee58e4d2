// A Sync whose source does not exist says so and stalls instead of waiting as if the source
// were still fetching, and recovers once it is created.
import assert from 'node:assert/strict';
import { test } from 'node:test';
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
