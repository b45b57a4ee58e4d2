// Git down and back, three ways, one after the other on one source: the server stops answering
// (it accepts connections and says nothing), the repository is renamed away, and its loopback
// address refuses connections. Each time the source keeps its last good artifact, the cluster is
// left as it is, the Ready condition names the error and when a fetch last succeeded, and once Git
// is back a new commit is applied without restarting the operator.
import assert from 'node:assert/strict';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { clusterTest as test } from '../helpers/cluster.ts';
import { startHttpGitServer } from '../helpers/git-server.ts';
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
  type Scenario,
} from '../helpers/operator.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

type Outage = {
  readonly what: string;
  readonly down: () => Promise<void> | void;
  readonly back: () => Promise<void> | void;
  /** The Ready reason while it is down, and what the message says of the error. */
  readonly reason: string;
  readonly error: RegExp;
};

const getSource = (s: Scenario) =>
  getObject(s.kube, 'moor.dev/v1alpha1', 'GitRepository', s.ns, 'src');

async function liveState(s: Scenario): Promise<{ rv: string; applied: string; ready: string }> {
  const cm = await getObject(s.kube, 'v1', 'ConfigMap', s.ns, 'web');
  const synced = await getObject(s.kube, 'moor.dev/v1alpha1', 'Sync', s.ns, 'web');
  return {
    rv: cm?.metadata.resourceVersion ?? '',
    applied: (synced?.status as { lastAppliedRevision?: string }).lastAppliedRevision ?? '',
    ready: conditionOf(synced, 'Ready')?.status ?? '',
  };
}

/** One outage: down, checked while down, back, and a new commit applied; the recovery time. */
async function goDownAndBack(s: Scenario, outage: Outage, value: string): Promise<number> {
  const before = await liveState(s);
  const kept = ((await getSource(s))?.status as { artifact: { revision: string } } | undefined)
    ?.artifact.revision;
  assert.ok(kept, 'the source has an artifact before the outage');
  await outage.down();
  await waitFor(`${outage.what}: the source reports it`, async () => {
    const ready = conditionOf(await getSource(s), 'Ready');
    if (ready?.status !== 'False') throw new Error(`Ready=${ready?.status ?? '?'}`);
    return true;
  });
  const source = await getSource(s);
  const ready = conditionOf(source, 'Ready');
  assert.equal(ready?.reason, outage.reason, `${outage.what}: ${ready?.message ?? ''}`);
  assert.match(ready?.message ?? '', outage.error, outage.what);
  const keptAt = new RegExp(
    `keeping the last good artifact ${kept.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; last fetched successfully at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)`,
  );
  assert.match(ready?.message ?? '', keptAt, `${outage.what}: names the artifact kept and when`);
  assert.equal((source?.status as { artifact: { revision: string } }).artifact.revision, kept);
  // A few retries later the cluster is still as it was: same object, same revision, Ready.
  await new Promise((done) => setTimeout(done, 3_000));
  assert.deepEqual(await liveState(s), before, `${outage.what}: the cluster is left alone`);

  await outage.back();
  const backAt = Date.now();
  const sha = await s.repo.commit({ 'cm.yaml': configMapYaml('web', { v: value }) });
  await waitSyncReady(s.kube, s.ns, 'web', sha, 90_000);
  assert.equal(conditionOf(await getSource(s), 'Ready')?.status, 'True');
  return Date.now() - backAt;
}

test('Git down and back three ways: last good artifact kept, cluster untouched, recovery without restart', async (t) => {
  const scenario = await setUpScenario(t, 'git-faults', {
    'cm.yaml': configMapYaml('web', { v: '0' }),
  });
  const { kube, ns, repo, operator } = scenario;
  const server = await startHttpGitServer(repo);
  t.after(() => server.close());
  const port = Number(new URL(server.baseUrl).port);
  const proxy = await startTcpProxy({ host: '127.0.0.1', port });
  t.after(() => proxy.close());
  await applyObject(
    kube,
    gitRepository(ns, 'src', {
      url: `http://${proxy.address}/${repo.name}`,
      ref: { branch: 'main' },
      timeout: '3s',
    }),
  );
  await applyObject(
    kube,
    sync(ns, 'web', { sourceRef: { name: 'src' }, path: './', targetNamespace: ns }),
  );
  await waitSyncReady(kube, ns, 'web', await repo.revParse('HEAD'));

  const away = join(repo.root, `${repo.name}-away`);
  const outages: Outage[] = [
    {
      what: 'the server stops answering',
      down: () => proxy.hang(),
      back: () => proxy.listen(),
      reason: 'Timeout',
      error: /timed out|timeout/i,
    },
    {
      what: 'the repository is renamed away',
      down: () => rename(repo.dir, away),
      back: () => rename(away, repo.dir),
      reason: 'RepositoryNotFound',
      error: /not found/i,
    },
    {
      what: 'its address refuses connections',
      down: () => proxy.refuse(),
      back: () => proxy.listen(),
      reason: 'Unreachable',
      error: /refused|unreachable|could not connect|failed to connect/i,
    },
  ];
  for (const [i, outage] of outages.entries()) {
    const ms = await goDownAndBack(scenario, outage, String(i + 1));
    t.diagnostic(`${outage.what}: new commit applied ${ms} ms after Git was back`);
  }
  assert.equal(operator.process.exitCode, null, 'the same operator process throughout');
});
