// A push to a Sync of many objects, end to end: a real operator, a real Git repository
// (file://), the real control plane. A commit that changes files of an artifact made from the one
// before (its unchanged files shared with it) must apply exactly what a full render gives, and a
// revision that creates nothing writes the Sync once (ADR 0037).
import assert from 'node:assert/strict';
import { rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getObject,
  gitRepository,
  setUpScenario,
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';
import type { KubeClient, WatchEvent } from '../../src/kube/index.ts';

/** More files than the source's sharing threshold, so new artifacts link the unchanged ones. */
const COUNT = 80;
const name = (i: number) => `cm-${String(i).padStart(3, '0')}`;

function initialFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < COUNT; i++) files[`app/${name(i)}.yaml`] = configMapYaml(name(i), { v: '0' });
  return files;
}

/** The Sync's ConfigMaps in the cluster: name → data.v. */
async function applied(kube: KubeClient, ns: string): Promise<Map<string, string>> {
  const listed = await kube.list(
    'v1',
    'ConfigMap',
    { namespace: ns, labelSelector: 'moor.dev/sync-name=app' },
    AbortSignal.timeout(10_000),
  );
  assert.ok(listed.ok);
  return new Map(
    listed.value.items.map((o) => [o.metadata.name ?? '', String((o.data as { v?: string }).v)]),
  );
}

/** Waits until the cluster holds exactly `expected` (pruning is asynchronous). */
async function expectApplied(kube: KubeClient, ns: string, expected: Map<string, string>) {
  const sorted = (m: Map<string, string>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));
  let last: Map<string, string> = new Map();
  await waitFor(
    'the cluster to hold what the revision renders',
    async () => {
      last = await applied(kube, ns);
      return JSON.stringify(sorted(last)) === JSON.stringify(sorted(expected));
    },
    30_000,
  ).catch(() => assert.deepEqual(sorted(last), sorted(expected)));
}

/** The scenario with the GitRepository and the pruning Sync `app` of `app/`, Ready on HEAD. */
async function startApp(t: TestContext, name: string) {
  const scenario = await setUpScenario(t, name, initialFiles());
  const { kube, ns, repo } = scenario;
  await applyObject(
    kube,
    gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'app', {
      sourceRef: { name: 'app' },
      path: './app',
      prune: true,
      targetNamespace: ns,
      interval: '1h',
    }),
  );
  const ready = await waitSyncReady(kube, ns, 'app', await repo.revParse('HEAD'), 120_000);
  return { ...scenario, ready };
}

/** Every write of the Sync from `from` on: its status' inventory size and Reconciling status. */
function watchSync(kube: KubeClient, ns: string, from: string) {
  const writes: { inventory: number; reconciling: string | undefined; applied: string }[] = [];
  const stop = new AbortController();
  void kube.watch(
    'moor.dev/v1alpha1',
    'Sync',
    { namespace: ns, resourceVersion: from },
    (e: WatchEvent) => {
      if (e.type !== 'MODIFIED' || e.object.metadata.name !== 'app') return;
      const status = e.object.status as
        { inventory?: { entries?: unknown[] }; lastAppliedRevision?: string } | undefined;
      writes.push({
        inventory: status?.inventory?.entries?.length ?? 0,
        reconciling: conditionOf(e.object, 'Reconciling')?.status,
        applied: status?.lastAppliedRevision ?? '',
      });
    },
    stop.signal,
  );
  return { writes, stop: () => stop.abort() };
}

test('commits applied from shared artifacts match a full render: change, rename, delete, symlink, duplicate', async (t) => {
  const { kube, ns, repo } = await startApp(t, 'op-push');
  const expected = new Map(Array.from({ length: COUNT }, (_, i) => [name(i), '0']));
  await expectApplied(kube, ns, expected);

  // One file changed.
  let sha = await repo.commit({ [`app/${name(1)}.yaml`]: configMapYaml(name(1), { v: '1' }) });
  expected.set(name(1), '1');
  await waitSyncReady(kube, ns, 'app', sha);
  await expectApplied(kube, ns, expected);

  // A file renamed (same content, another path) and another one deleted.
  sha = await repo.commit({
    [`app/${name(2)}.yaml`]: null,
    [`app/renamed-${name(2)}.yaml`]: configMapYaml(name(2), { v: '0' }),
    [`app/${name(3)}.yaml`]: null,
  });
  expected.delete(name(3));
  await waitSyncReady(kube, ns, 'app', sha);
  await expectApplied(kube, ns, expected);

  // A symlink to a file outside the Sync's path, then the same link pointed elsewhere: the link's
  // own path does not change in the second commit, only what it resolves to.
  const others = {
    'lib/a.yaml': configMapYaml('linked', { v: 'a' }),
    'lib/b.yaml': configMapYaml('linked', { v: 'b' }),
  };
  await repo.commit(others);
  await symlink('../lib/a.yaml', join(repo.dir, 'app/linked.yaml'));
  sha = await repo.commit({});
  expected.set('linked', 'a');
  await waitSyncReady(kube, ns, 'app', sha);
  await expectApplied(kube, ns, expected);
  await rm(join(repo.dir, 'app/linked.yaml'));
  await symlink('../lib/b.yaml', join(repo.dir, 'app/linked.yaml'));
  sha = await repo.commit({});
  expected.set('linked', 'b');
  await waitSyncReady(kube, ns, 'app', sha);
  await expectApplied(kube, ns, expected);

  // The target of the link changes, the link does not.
  sha = await repo.commit({ 'lib/b.yaml': configMapYaml('linked', { v: 'b2' }) });
  expected.set('linked', 'b2');
  await waitSyncReady(kube, ns, 'app', sha);
  await expectApplied(kube, ns, expected);

  // The same content in two files is the same object twice: an error naming both, nothing applied.
  const copy = await repo.commit({
    [`app/copy-${name(4)}.yaml`]: configMapYaml(name(4), { v: '0' }),
    [`app/${name(5)}.yaml`]: configMapYaml(name(5), { v: 'not applied' }),
  });
  await waitFor(
    'the duplicate reported',
    async () => {
      const obj = await getObject(kube, 'moor.dev/v1alpha1', 'Sync', ns, 'app');
      const ready = conditionOf(obj, 'Ready');
      const attempted = (obj?.status as { lastAttemptedRevision?: string } | undefined)
        ?.lastAttemptedRevision;
      return ready?.status === 'False' && (attempted ?? '').endsWith(copy)
        ? /defined twice/.test(ready.message) && ready.message.includes(`copy-${name(4)}.yaml`)
        : false;
    },
    30_000,
  );
  await expectApplied(kube, ns, expected);
  sha = await repo.commit({ [`app/copy-${name(4)}.yaml`]: null });
  expected.set(name(5), 'not applied');
  await waitSyncReady(kube, ns, 'app', sha);
  await expectApplied(kube, ns, expected);
});

test('a revision that creates nothing writes the Sync once; one that creates an object records it first', async (t) => {
  const { kube, ns, repo, ready } = await startApp(t, 'op-push-writes');

  const changed = watchSync(kube, ns, ready.metadata.resourceVersion ?? '');
  t.after(changed.stop);
  const sha = await repo.commit({ [`app/${name(1)}.yaml`]: configMapYaml(name(1), { v: '1' }) });
  await waitSyncReady(kube, ns, 'app', sha);
  await waitFor('the write seen', () => changed.writes.some((w) => w.applied.endsWith(sha)));
  changed.stop();
  assert.equal(changed.writes.length, 1, JSON.stringify(changed.writes));
  assert.equal(changed.writes[0]?.inventory, COUNT);

  const now = await waitSyncReady(kube, ns, 'app', sha);
  const added = watchSync(kube, ns, now.metadata.resourceVersion ?? '');
  t.after(added.stop);
  const next = await repo.commit({ 'app/new.yaml': configMapYaml('new', { v: 'new' }) });
  await waitSyncReady(kube, ns, 'app', next);
  await waitFor('the write seen', () => added.writes.some((w) => w.applied.endsWith(next)));
  added.stop();
  // The intent first (Reconciling, the new object in the inventory), then the applied status.
  assert.equal(added.writes.length, 2, JSON.stringify(added.writes));
  assert.deepEqual(added.writes[0], {
    inventory: COUNT + 1,
    reconciling: 'True',
    applied: (now.status as { lastAppliedRevision?: string }).lastAppliedRevision,
  });
  assert.equal(added.writes[1]?.inventory, COUNT + 1);
});
