// `moor rollback sync --pin`: the Sync applies an earlier revision without Git being written,
// says it is pinned and diverged from its branch, and follows the branch again once unpinned.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { moor } from '../cli/helpers.ts';
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

test('--pin applies an older revision and shows it; --unpin follows the branch again', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-pin', {
    'app/cm.yaml': configMapYaml('settings', { v: '1' }),
  });
  await applyObject(
    kube,
    gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'app', { sourceRef: { name: 'app' }, path: './app', targetNamespace: ns }),
  );
  const one = await repo.revParse('HEAD');
  await waitSyncReady(kube, ns, 'app', one, 120_000);
  const two = await repo.commit({ 'app/cm.yaml': configMapYaml('settings', { v: '2' }) }, 'v2');
  await waitSyncReady(kube, ns, 'app', two, 120_000);
  const value = async () =>
    ((await getObject(kube, 'v1', 'ConfigMap', ns, 'settings'))?.data as { v?: string } | undefined)
      ?.v;

  const pinned = await moor(
    ['-n', ns, 'rollback', 'sync', 'app', '--pin', '--reason', 'incident 7'],
    120_000,
  );
  assert.equal(pinned.code, 0, `${pinned.stdout}\n${pinned.stderr}`);
  assert.match(pinned.stdout, /pinned to main@sha1:/);
  assert.equal(await value(), '1');
  const git = await repo.revParse('main');
  assert.equal(git, two, 'Git is not written by a pin');

  // A new commit does not move a pinned Sync; status and `moor get` say so.
  const three = await repo.commit({ 'app/cm.yaml': configMapYaml('settings', { v: '3' }) }, 'v3');
  await waitFor(
    'the source at v3',
    async () => {
      const src = await getObject(kube, 'moor.dev/v1alpha1', 'GitRepository', ns, 'app');
      return JSON.stringify(src?.status).includes(three);
    },
    60_000,
  );
  await waitFor(
    'the Sync to see the source moved',
    async () => {
      const s = await getSync(kube, ns, 'app');
      return (conditionOf(s, 'Pinned')?.message ?? '').includes(three.slice(0, 12));
    },
    60_000,
  );
  await sleep(1000);
  assert.equal(await value(), '1');
  const s = await getSync(kube, ns, 'app');
  assert.equal(conditionOf(s, 'Pinned')?.status, 'True');
  assert.match(conditionOf(s, 'Pinned')?.message ?? '', /diverged/);
  assert.equal(conditionOf(s, 'Ready')?.status, 'True');
  const get = await moor(['-n', ns, 'get', 'syncs']);
  assert.match(get.stdout, /pinned by spec\.pin/);

  const unpinned = await moor(['-n', ns, 'rollback', 'sync', 'app', '--unpin'], 120_000);
  assert.equal(unpinned.code, 0, `${unpinned.stdout}\n${unpinned.stderr}`);
  assert.equal(await value(), '3');
  assert.equal(conditionOf(await getSync(kube, ns, 'app'), 'Pinned'), undefined);
});
