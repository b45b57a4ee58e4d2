// `moor rollback sync`: a commit on the tracked branch (pushed over HTTP with the GitRepository's
// credentials) restores the Sync's path as it was, and the cluster converges back to it.
import assert from 'node:assert/strict';
import { moor } from '../cli/helpers.ts';
import { clusterTest as test } from '../helpers/cluster.ts';
import { startHttpGitServer } from '../helpers/git-server.ts';
import {
  applyObject,
  configMapYaml,
  getObject,
  gitRepository,
  secretObject,
  setUpScenario,
  sync,
  waitSyncReady,
} from '../helpers/operator.ts';

const basic = { username: 'moor', password: 'r0ll-back-pw' };

test('rollback writes a revert commit to the remote and the cluster converges to the old state', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-rollback', {
    'app/cm.yaml': configMapYaml('settings', { color: 'blue' }),
    'other/keep.yaml': configMapYaml('keep', { v: '1' }),
  });
  const server = await startHttpGitServer(repo, { basic });
  t.after(() => server.close());
  await applyObject(kube, secretObject(ns, 'git-auth', basic));
  await applyObject(
    kube,
    gitRepository(ns, 'app', {
      url: server.url,
      ref: { branch: 'main' },
      secretRef: { name: 'git-auth' },
    }),
  );
  await applyObject(
    kube,
    sync(ns, 'app', { sourceRef: { name: 'app' }, path: './app', targetNamespace: ns, wait: true }),
  );
  const good = await repo.revParse('HEAD');
  await waitSyncReady(kube, ns, 'app', good, 120_000);
  const bad = await repo.commit(
    {
      'app/cm.yaml': configMapYaml('settings', { color: 'red' }),
      'other/keep.yaml': configMapYaml('keep', { v: '2' }),
    },
    'paint it red',
  );
  await waitSyncReady(kube, ns, 'app', bad, 120_000);

  const run = await moor(
    ['-n', ns, 'rollback', 'sync', 'app', '--reason', 'red is wrong'],
    180_000,
  );
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /pushed [0-9a-f]{40} to main/);
  assert.match(run.stdout, /✔ Sync\/.*\/app: applied revision main@sha1:/);

  // Git history shows the rollback, on top of the bad commit, restoring only the Sync's path.
  const head = await repo.revParse('main');
  assert.equal(await repo.revParse('main~1'), bad);
  const message = await repo.git('log', '-1', '--format=%B', 'main');
  assert.match(message, new RegExp(`Roll back Sync/${ns}/app to ${good.slice(0, 12)}`));
  assert.match(message, /Reason: red is wrong/);
  assert.match(message, /"initial"/);
  assert.equal(await repo.git('show', 'main:other/keep.yaml'), configMapYaml('keep', { v: '2' }));

  const cm = await getObject(kube, 'v1', 'ConfigMap', ns, 'settings');
  assert.deepEqual(cm?.data, { color: 'blue' });
  const synced = await waitSyncReady(kube, ns, 'app', head, 60_000);
  assert.ok(synced);

  // Nothing healthy left to go back to past the current state? The previous one still is: red.
  const none = await moor(['-n', ns, 'rollback', 'sync', 'app', '--to', good.slice(0, 10)]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /already as it was/);
});
