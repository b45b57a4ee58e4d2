// Two operators on one cluster, as during a rolling update of the exported Deployment: with
// --leader-elect only the holder of the Lease reconciles and writes; the other stands by, healthy,
// and takes over when the leader dies (within the lease duration) or stops (at once: it releases).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient, WatchEvent } from '../../src/kube/index.ts';
import { clusterTest as test, testNamespace } from '../helpers/cluster.ts';
import { createTestRepo, fileUrl, type TestRepo } from '../helpers/git-server.ts';
import {
  applyObject,
  configMapYaml,
  getObject,
  gitRepository,
  installCrds,
  startOperator,
  sync,
  testKube,
  waitSyncReady,
  type RunningOperator,
} from '../helpers/operator.ts';

const LEASE_NAME = 'moor-operator-leader';

/** Short timings for the crash case, so that waiting out the lease takes seconds. */
const FAST = { leaseMs: 6_000, renewMs: 4_000, retryMs: 1_000 };
const fastArgs = [
  '--leader-elect-lease-duration',
  '6s',
  '--leader-elect-renew-deadline',
  '4s',
  '--leader-elect-retry-period',
  '1s',
];

type Setup = { kube: KubeClient; ns: string; repo: TestRepo };

async function setUp(t: TestContext, prefix: string): Promise<Setup> {
  const kube = testKube();
  await installCrds(kube);
  const ns = await testNamespace(t, prefix);
  const repo = await createTestRepo({
    files: { 'deploy/cm.yaml': configMapYaml('settings', { rev: '0' }) },
  });
  t.after(() => repo.close());
  return { kube, ns, repo };
}

async function startElecting(
  t: TestContext,
  ns: string,
  identity: string,
  extra: string[] = [],
): Promise<RunningOperator> {
  const op = await startOperator({
    namespace: ns,
    httpAddr: '127.0.0.1:0',
    extraArgs: ['--leader-elect', '--leader-elect-identity', identity, ...extra],
  });
  t.after(() => op.stop());
  return op;
}

async function applySync(kube: KubeClient, ns: string, repo: TestRepo): Promise<void> {
  await applyObject(
    kube,
    gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'app', { sourceRef: { name: 'app' }, path: './deploy', targetNamespace: ns }),
  );
}

async function holderOf(kube: KubeClient, ns: string): Promise<string | undefined> {
  const lease = await getObject(kube, 'coordination.k8s.io/v1', 'Lease', ns, LEASE_NAME);
  return (lease?.spec as { holderIdentity?: string } | undefined)?.holderIdentity;
}

/** Milliseconds until the Lease names `identity`, polled every 50 ms. */
async function timeUntilHolder(
  kube: KubeClient,
  ns: string,
  identity: string,
  timeoutMs: number,
): Promise<number> {
  const started = performance.now();
  let holder: string | undefined;
  while (performance.now() - started < timeoutMs) {
    holder = await holderOf(kube, ns);
    if (holder === identity) return performance.now() - started;
    await sleep(50);
  }
  throw new Error(
    `Lease ${ns}/${LEASE_NAME}: still held by ${holder ?? 'nobody'} after ${timeoutMs} ms`,
  );
}

/** One metric's value from the operator's /metrics, 0 when the series is absent. */
async function metric(op: RunningOperator, series: string): Promise<number> {
  const text = await (await fetch(`${await op.httpUrl()}/metrics`)).text();
  const values = text
    .split('\n')
    .filter((l) => l.startsWith(series) && /^[^{ ]+(\{[^}]*\})? /.test(l))
    .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
  return values.reduce((a, b) => a + b, 0);
}

/** Watches the applied ConfigMap's `data.rev` from now on: every write Moor makes to it. */
function watchRevs(kube: KubeClient, ns: string, from: string): { revs: string[]; stop(): void } {
  const revs: string[] = [];
  const stop = new AbortController();
  void kube.watch(
    'v1',
    'ConfigMap',
    { namespace: ns, labelSelector: 'moor.dev/sync-name=app', resourceVersion: from },
    (e: WatchEvent) => {
      if (e.type === 'MODIFIED') revs.push(String((e.object.data as { rev?: string }).rev));
    },
    stop.signal,
  );
  return { revs, stop: () => stop.abort() };
}

const reconciles = (op: RunningOperator) => metric(op, 'moor_reconcile_total');
const writes = async (op: RunningOperator): Promise<number> => {
  let sum = 0;
  for (const verb of ['patch', 'create', 'update', 'delete'])
    sum += await metric(op, `moor_api_requests_total{verb="${verb}"}`);
  return sum;
};

test('two operators: only the leader reconciles and writes; after a SIGKILL the standby takes over within the lease duration', async (t) => {
  const { kube, ns, repo } = await setUp(t, 'op-leader-kill');
  const a = await startElecting(t, ns, 'op-a', fastArgs);
  await applySync(kube, ns, repo);
  await waitSyncReady(kube, ns, 'app');
  assert.equal(await holderOf(kube, ns), 'op-a');

  // The second operator starts, as the new pod of a rolling update would, and stands by.
  const b = await startElecting(t, ns, 'op-b', fastArgs);
  const readyz = await fetch(`${await b.httpUrl()}/readyz`);
  assert.equal(readyz.status, 200, 'a standby is ready');
  assert.equal((await fetch(`${await b.httpUrl()}/healthz`)).status, 200, 'a standby is healthy');

  // Three commits: each is applied exactly once, in order, and nothing flips back.
  const live = await getObject(kube, 'v1', 'ConfigMap', ns, 'settings');
  const watched = watchRevs(kube, ns, live?.metadata.resourceVersion ?? '');
  t.after(() => watched.stop());
  for (const rev of ['1', '2', '3']) {
    const sha = await repo.commit({ 'deploy/cm.yaml': configMapYaml('settings', { rev }) }, rev);
    await waitSyncReady(kube, ns, 'app', sha);
  }
  await sleep(3_000); // Time for a second writer, if there were one, to write.
  watched.stop();
  assert.deepEqual(watched.revs, ['1', '2', '3'], 'one write per commit, in order');

  assert.equal(await reconciles(b), 0, 'the standby reconciled');
  assert.equal(await writes(b), 0, 'the standby wrote to the API server');
  assert.ok((await reconciles(a)) > 0, 'the leader reconciles');
  assert.equal(await metric(a, 'moor_leader'), 1);
  assert.equal(await metric(b, 'moor_leader'), 0);
  assert.match(await a.logs(), /"became leader"/);
  assert.doesNotMatch(await b.logs(), /"became leader"|"msg":"applied"/);

  // The leader dies without releasing: the standby waits out the lease, then leads and converges.
  await a.kill();
  const tookOverMs = await timeUntilHolder(kube, ns, 'op-b', 30_000);
  t.diagnostic(`take-over after SIGKILL: ${Math.round(tookOverMs)} ms (lease ${FAST.leaseMs} ms)`);
  // The standby saw the last renew up to one retry period late, then retries every period.
  assert.ok(
    tookOverMs <= FAST.leaseMs + 2.2 * FAST.retryMs,
    `took over after ${Math.round(tookOverMs)} ms`,
  );
  const sha = await repo.commit({ 'deploy/cm.yaml': configMapYaml('settings', { rev: '4' }) }, '4');
  await waitSyncReady(kube, ns, 'app', sha);
  const settings = await getObject(kube, 'v1', 'ConfigMap', ns, 'settings');
  assert.equal((settings?.data as { rev?: string } | undefined)?.rev, '4');
  assert.equal(await metric(b, 'moor_leader'), 1);
  assert.match(await b.logs(), /"became leader"/);
});

test('a leader stopped with SIGTERM releases the Lease and the standby takes over at once', async (t) => {
  const { kube, ns, repo } = await setUp(t, 'op-leader-term');
  // Default timings: a 15 s lease that the standby does not wait out.
  const a = await startElecting(t, ns, 'op-a');
  await applySync(kube, ns, repo);
  await waitSyncReady(kube, ns, 'app');
  const b = await startElecting(t, ns, 'op-b');
  await b.httpUrl();
  assert.equal(await holderOf(kube, ns), 'op-a');

  const stopping = a.stop();
  const tookOverMs = await timeUntilHolder(kube, ns, 'op-b', 30_000);
  await stopping;
  t.diagnostic(`take-over after SIGTERM: ${Math.round(tookOverMs)} ms (lease 15000 ms)`);
  assert.equal(a.process.exitCode, 0, 'a leader stopped on purpose exits cleanly');
  assert.match(await a.logs(), /"released leadership"/);
  // The retry period (2 s, jittered up to 2.4 s) plus the old leader's shutdown, not the lease.
  assert.ok(tookOverMs < 5_000, `took over after ${Math.round(tookOverMs)} ms`);

  const sha = await repo.commit({ 'deploy/cm.yaml': configMapYaml('settings', { rev: '1' }) }, '1');
  const converged = await waitSyncReady(kube, ns, 'app', sha);
  assert.ok(converged);
  assert.ok((await reconciles(b)) > 0, 'the new leader reconciles');
});

test('a leader frozen past its renew deadline stops leading when it wakes, and exits without writing', async (t) => {
  const { kube, ns, repo } = await setUp(t, 'op-leader-stop');
  const a = await startElecting(t, ns, 'op-a', fastArgs);
  await applySync(kube, ns, repo);
  await waitSyncReady(kube, ns, 'app');
  const b = await startElecting(t, ns, 'op-b', fastArgs);
  await b.httpUrl();
  const live = await getObject(kube, 'v1', 'ConfigMap', ns, 'settings');
  const watched = watchRevs(kube, ns, live?.metadata.resourceVersion ?? '');
  t.after(() => watched.stop());

  // A pause longer than the lease (a frozen node, a long GC): the standby takes over meanwhile.
  const exited = once(a.process, 'exit');
  a.process.kill('SIGSTOP');
  t.after(() => a.process.kill('SIGCONT'));
  await timeUntilHolder(kube, ns, 'op-b', 30_000);
  const sha = await repo.commit({ 'deploy/cm.yaml': configMapYaml('settings', { rev: '1' }) }, '1');
  await waitSyncReady(kube, ns, 'app', sha);

  // Woken, the old leader finds its renew deadline long past: it writes nothing and exits.
  a.process.kill('SIGCONT');
  const [code] = (await Promise.race([exited, sleep(20_000).then(() => ['timeout'])])) as [unknown];
  assert.equal(code, 2, 'a leader that lost its Lease exits with an error');
  assert.match(await a.logs(), /"lost leadership"/);
  await sleep(2_000);
  watched.stop();
  assert.deepEqual(watched.revs, ['1'], 'the old leader wrote its stale revision back');
  assert.equal(await holderOf(kube, ns), 'op-b');
});
