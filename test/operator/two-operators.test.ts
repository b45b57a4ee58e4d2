// Two operators on one cluster without --leader-elect, by mistake (two replicas, or the old and new
// version side by side), rendering the same revision differently: they must not fight. Each sees
// the other's writes on the Sync's status, reports it with an Event, and leaves the Sync alone.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient, WatchEvent } from '../../src/kube/index.ts';
import { clusterTest as test, testNamespace } from '../helpers/cluster.ts';
import { createTestRepo, fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  configMapYaml,
  getObject,
  gitRepository,
  installCrds,
  startOperator,
  sync,
  testKube,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';

/** A kustomize that renders every kustomization as one ConfigMap with `rev: other`. */
async function otherKustomize(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'moor-other-kustomize-'));
  const path = join(dir, 'kustomize');
  const yaml = configMapYaml('settings', { rev: 'other' });
  await writeFile(path, `#!/bin/sh\ncat <<'EOF'\n${yaml}EOF\n`);
  await chmod(path, 0o755);
  return path;
}

/** Every write to the applied ConfigMap's `data.rev` from now on, with when it was seen. */
function watchRevs(kube: KubeClient, ns: string, from: string) {
  const revs: { rev: string; at: number }[] = [];
  const stop = new AbortController();
  void kube.watch(
    'v1',
    'ConfigMap',
    { namespace: ns, labelSelector: 'moor.dev/sync-name=app', resourceVersion: from },
    (e: WatchEvent) => {
      if (e.type === 'MODIFIED')
        revs.push({ rev: String((e.object.data as { rev?: string }).rev), at: performance.now() });
    },
    stop.signal,
  );
  return { revs, stop: () => stop.abort() };
}

async function eventsOf(kube: KubeClient, ns: string, reason: string) {
  const listed = await kube.list('v1', 'Event', { namespace: ns }, AbortSignal.timeout(10_000));
  if (!listed.ok) throw listed.error;
  return listed.value.items.filter((e) => (e as { reason?: string }).reason === reason);
}

test('two operators without leader election that disagree do not fight over the objects: they report each other', async (t) => {
  const kube = testKube();
  await installCrds(kube);
  const ns = await testNamespace(t, 'op-two');
  const repo = await createTestRepo({
    files: {
      'deploy/kustomization.yaml': 'resources:\n  - cm.yaml\n',
      'deploy/cm.yaml': configMapYaml('settings', { rev: '1' }),
    },
  });
  t.after(() => repo.close());
  const a = await startOperator({ namespace: ns });
  t.after(() => a.stop());
  await applyObject(
    kube,
    gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'app', { sourceRef: { name: 'app' }, path: './deploy', targetNamespace: ns }),
  );
  await waitSyncReady(kube, ns, 'app');
  const live = await getObject(kube, 'v1', 'ConfigMap', ns, 'settings');
  const watched = watchRevs(kube, ns, live?.metadata.resourceVersion ?? '');
  t.after(() => watched.stop());

  // A second operator, as another version would, renders the same revision differently. Each
  // may write before it sees the other's status; then both leave the Sync alone.
  const b = await startOperator({
    namespace: ns,
    extraArgs: ['--kustomize', await otherKustomize(), '--other-operator-yield', '60s'],
  });
  t.after(() => b.stop());
  await waitFor('the second operator to write', () => watched.revs.length > 0, 60_000);
  const first = watched.revs[0]?.at ?? 0;
  await sleep(20_000);
  watched.stop();
  const revs = watched.revs.map((r) => `${r.rev} at +${Math.round(r.at - first)} ms`);
  t.diagnostic(`writes of the ConfigMap: ${revs.join(', ')}`);
  assert.deepEqual(
    watched.revs.filter((r) => r.at - first > 8_000).map((r) => r.rev),
    [],
    'the operators still write the ConfigMap in turn',
  );
  assert.ok(revs.length <= 4, `the ConfigMap was written ${revs.length} times`);
  assert.equal(a.process.exitCode, null, 'the first operator runs on');
  assert.equal(b.process.exitCode, null, 'the second operator runs on');

  const reported = await eventsOf(kube, ns, 'OtherOperator');
  const messages = reported.map((e) => String((e as { message?: string }).message)).join('\n');
  t.diagnostic(messages);
  assert.match(messages, /another Moor operator .* wrote the status of Sync/);
  assert.match(`${await a.logs()}\n${await b.logs()}`, /"another operator writes this Sync"/);
});
