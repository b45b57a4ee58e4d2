// With --leader-elect, a standby operator's dashboard answers reads (its reviews and reads do not
// pass the write gate) and refuses every write with a message naming it a standby; the leader's
// dashboard writes.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { clusterTest as test, testNamespace } from '../helpers/cluster.ts';
import { createTestRepo, fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  configMapYaml,
  getObject,
  getSync,
  gitRepository,
  installCrds,
  startOperator,
  sync,
  testKube,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';
import { dashboardToken, suspendedOf } from './rbac.ts';

async function electing(t: TestContext, ns: string, identity: string) {
  const op = await startOperator({
    namespace: ns,
    httpAddr: '127.0.0.1:0',
    extraArgs: ['--leader-elect', '--leader-elect-identity', identity],
  });
  t.after(() => op.stop());
  return op;
}

test(
  'a standby dashboard reads and refuses writes; the leader writes',
  { timeout: 240_000 },
  async (t) => {
    const kube = testKube();
    await installCrds(kube);
    const ns = await testNamespace(t, 'ui-standby');
    const repo = await createTestRepo({
      files: { 'deploy/cm.yaml': configMapYaml('settings', { a: '1' }) },
    });
    t.after(() => repo.close());
    const leader = await electing(t, ns, 'leader-a');
    await waitFor('leader-a to hold the Lease', async () => {
      const lease = await getObject(
        kube,
        'coordination.k8s.io/v1',
        'Lease',
        ns,
        'moor-operator-leader',
      );
      return (
        (lease?.spec as { holderIdentity?: string } | undefined)?.holderIdentity === 'leader-a'
      );
    });
    const standby = await electing(t, ns, 'standby-b');
    await applyObject(
      kube,
      gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
    );
    await applyObject(
      kube,
      sync(ns, 'app', { sourceRef: { name: 'app' }, path: './deploy', targetNamespace: ns }),
    );
    await waitSyncReady(kube, ns, 'app', await repo.revParse('HEAD'), 120_000);
    const token = await dashboardToken(kube, ns, 'operator-user', [
      'get',
      'list',
      'watch',
      'patch',
    ]);
    const auth = { Authorization: `Bearer ${token}` };
    const [leaderUrl, standbyUrl] = [await leader.httpUrl(), await standby.httpUrl()];

    // Reads on the standby: the review and the data answer, and it says it is a standby.
    const me = await fetch(`${standbyUrl}/api/v1/whoami`, { headers: auth });
    assert.equal(me.status, 200, await me.clone().text());
    assert.equal(((await me.json()) as { standby: boolean }).standby, true);
    let names: string[] = [];
    await waitFor('the standby to list the Sync', async () => {
      const res = await fetch(`${standbyUrl}/api/v1/syncs`, { headers: auth });
      names = res.ok
        ? ((await res.json()) as { items: { name: string }[] }).items.map((i) => i.name)
        : [];
      return names.includes('app');
    });
    const detail = await fetch(`${standbyUrl}/api/v1/syncs/${ns}/app`, { headers: auth });
    assert.equal(detail.status, 200);
    assert.equal(((await detail.json()) as { standby: boolean }).standby, true);

    // Writes on the standby: refused, naming why; nothing changed.
    for (const action of ['suspend', 'reconcile']) {
      const res = await fetch(`${standbyUrl}/api/v1/syncs/${ns}/app/${action}`, {
        method: 'POST',
        headers: auth,
      });
      assert.equal(res.status, 503, action);
      assert.match(((await res.json()) as { error: string }).error, /standby.*leading operator/);
    }
    assert.equal(suspendedOf(await getSync(kube, ns, 'app')), false);

    // The leader writes.
    const res = await fetch(`${leaderUrl}/api/v1/syncs/${ns}/app/suspend`, {
      method: 'POST',
      headers: auth,
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(suspendedOf(await getSync(kube, ns, 'app')), true);
  },
);
