// kill -9 of the operator in the middle of applying a few hundred objects, then a commit that
// drops half of them while it is down, then a restart: it converges and nothing is orphaned.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { clusterTest as test, testNamespace } from '../helpers/cluster.ts';
import { createTestRepo, fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getObject,
  gitRepository,
  installCrds,
  startOperator,
  sync,
  testKube,
  waitSyncReady,
} from '../helpers/operator.ts';

const COUNT = 400;

function manifests(from: number, to: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = from; i < to; i++)
    files[`many/cm-${String(i).padStart(3, '0')}.yaml`] = configMapYaml(`cm-${i}`, {
      index: String(i),
    });
  return files;
}

test('a crash mid-apply followed by a restart converges with nothing orphaned', async (t) => {
  const kube = testKube();
  await installCrds(kube);
  const ns = await testNamespace(t, 'op-crash');
  const repo = await createTestRepo({ files: manifests(0, COUNT) });
  t.after(() => repo.close());
  const selector = `moor.dev/sync-name=many,moor.dev/sync-namespace=${ns}`;
  const labelled = async (): Promise<string[]> => {
    const res = await kube.list(
      'v1',
      'ConfigMap',
      { namespace: ns, labelSelector: selector },
      AbortSignal.timeout(10_000),
    );
    if (!res.ok) throw res.error;
    return res.value.items.map((i) => i.metadata.name ?? '');
  };

  const first = await startOperator({ namespace: ns });
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'many', {
      sourceRef: { name: 'src' },
      path: './many',
      targetNamespace: ns,
      prune: true,
    }),
  );

  // Kill it as soon as the first objects exist and before it could finish. Before the first one
  // come the operator's start, the fetch, the render and the dry-run of 400 objects: on a loaded
  // machine that took over a minute, so the start and the apply are waited for in turn.
  await first.started();
  let seen = 0;
  const deadline = Date.now() + 120_000;
  while (seen === 0 && Date.now() < deadline) {
    seen = (await labelled()).length;
    if (seen === 0) await sleep(10);
  }
  await first.kill();
  const atKill = await labelled();
  const syncAtKill = await getObject(kube, 'moor.dev/v1alpha1', 'Sync', ns, 'many');
  assert.ok(atKill.length > 0, 'the operator applied nothing before the deadline');
  assert.notEqual(
    conditionOf(syncAtKill, 'Ready')?.status,
    'True',
    'the apply finished before the kill: nothing was interrupted',
  );
  t.diagnostic(`killed with ${atKill.length} of ${COUNT} objects applied`);

  // While it is down, Git drops the second half.
  const files: Record<string, string | null> = {};
  for (let i = COUNT / 2; i < COUNT; i++)
    files[`many/cm-${String(i).padStart(3, '0')}.yaml`] = null;
  const next = await repo.commit(files, 'drop half');

  const second = await startOperator({ namespace: ns });
  t.after(() => second.stop());
  const s = await waitSyncReady(kube, ns, 'many', next, 120_000);
  const expected = Array.from({ length: COUNT / 2 }, (_, i) => `cm-${i}`).sort();
  assert.deepEqual(
    (await labelled()).sort(),
    expected,
    'objects left behind by the crash were not pruned',
  );
  const inventory = (s.status as { inventory: { entries: { name: string }[] } }).inventory.entries;
  assert.deepEqual(inventory.map((e) => e.name).sort(), expected);
});
