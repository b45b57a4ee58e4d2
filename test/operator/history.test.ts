// The apply history is kept in the cluster, not in the operator: it survives a restart, `moor
// history` lists every apply with its commit, and `--at` says what was applied at a moment.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { moor } from '../cli/helpers.ts';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  configMapYaml,
  gitRepository,
  setUpScenario,
  startOperator,
  sync,
  waitSyncReady,
} from '../helpers/operator.ts';

type Item = {
  revision: string;
  result: string;
  health?: string;
  commit?: { message: string; author: string };
  created: number;
  objects?: { created?: string[] };
  inventory: string[];
};

test('history survives a restart; --at answers between two applies', async (t) => {
  const { kube, ns, repo, operator } = await setUpScenario(t, 'op-history', {
    'app/a.yaml': configMapYaml('a', { v: '1' }),
  });
  await applyObject(
    kube,
    gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'app', {
      sourceRef: { name: 'app' },
      path: './app',
      targetNamespace: ns,
      prune: true,
    }),
  );
  const first = await repo.revParse('HEAD');
  await waitSyncReady(kube, ns, 'app', first, 120_000);
  await sleep(1100);
  const between = new Date().toISOString();
  await sleep(1100);
  const second = await repo.commit(
    { 'app/b.yaml': configMapYaml('b', { v: '1' }) },
    'add b for the history',
  );
  await waitSyncReady(kube, ns, 'app', second, 120_000);

  // A new operator process: it knows nothing but what is in the cluster.
  await operator.stop();
  const again = await startOperator({ namespace: ns });
  t.after(() => again.stop());
  const third = await repo.commit({ 'app/a.yaml': null }, 'drop a');
  await waitSyncReady(kube, ns, 'app', third, 120_000);

  const listed = await moor(['-n', ns, 'history', 'sync', 'app', '-o', 'json']);
  assert.equal(listed.code, 0, listed.stderr);
  const items = (JSON.parse(listed.stdout) as { items: Item[] }).items;
  assert.deepEqual(
    items.map((i) => i.revision.slice(-40)),
    [third, second, first],
  );
  assert.deepEqual(
    items.map((i) => i.commit?.message),
    ['drop a', 'add b for the history', 'initial'],
  );
  assert.ok(items.every((i) => i.result === 'Succeeded' && i.commit?.author.includes('<')));
  assert.deepEqual(items[1]?.objects?.created, [`ConfigMap/${ns}/b`]);
  assert.deepEqual(items[0]?.inventory, [`ConfigMap/${ns}/b`]);

  const at = await moor(['-n', ns, 'history', 'sync', 'app', '--at', between, '-o', 'json']);
  assert.equal(at.code, 0, at.stderr);
  const answer = JSON.parse(at.stdout) as { revision: string; objects: string[] };
  assert.equal(answer.revision.slice(-40), first);
  assert.deepEqual(answer.objects, [`ConfigMap/${ns}/a`]);

  const table = await moor(['-n', ns, 'history', 'sync', 'app']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /STARTED\s+REVISION\s+RESULT/);
  assert.match(table.stdout, /add b for the history/);

  const early = await moor(['-n', ns, 'history', 'sync', 'app', '--at', '2000-01-01T00:00:00Z']);
  assert.equal(early.code, 2);
  assert.match(early.stderr, /nothing was applied at or before 2000-01-01/);
});
