// A watch that stalls without closing: a TCP proxy between the operator and the API server stops
// forwarding on every open connection but keeps the sockets open. The operator must notice the
// silence within its stall timeout, list again, and correct a drift made during the stall.
// MOOR_FAULTS_STALL_TIMEOUT / MOOR_FAULTS_WATCH_TIMEOUT run it with other timings (e.g. the
// defaults, 90s / 240s); CI uses short ones.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { clusterTest as test, testCluster } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  configMapYaml,
  getObject,
  gitRepository,
  setUpScenario,
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';
import { apiServerPort, kubeconfigThrough, startTcpProxy } from '../helpers/tcp-proxy.ts';

const stallTimeout = process.env.MOOR_FAULTS_STALL_TIMEOUT ?? '6s';
const watchTimeout = process.env.MOOR_FAULTS_WATCH_TIMEOUT ?? '2s';
const stallSeconds = Number.parseInt(stallTimeout, 10);

test('a stalled watch is cut, listed again, and drift made during the stall corrected', async (t) => {
  const cluster = testCluster();
  const proxy = await startTcpProxy({
    host: '127.0.0.1',
    port: await apiServerPort(cluster.kubeconfig),
  });
  t.after(() => proxy.close());
  const dir = await mkdtemp(join(tmpdir(), 'moor-stall-'));
  const kubeconfig = await kubeconfigThrough(cluster.kubeconfig, proxy, join(dir, 'kubeconfig'));
  const { kube, ns, repo, operator } = await setUpScenario(
    t,
    'watch-stall',
    { 'app.yaml': configMapYaml('app', { color: 'blue' }) },
    {
      kubeconfig,
      extraArgs: ['--watch-timeout', watchTimeout, '--watch-stall-timeout', stallTimeout],
    },
  );
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  // A long interval: only a watch (or a new list) can bring the correction.
  await applyObject(
    kube,
    sync(ns, 'app', {
      sourceRef: { name: 'src' },
      path: './',
      targetNamespace: ns,
      interval: '1h',
    }),
  );
  await waitSyncReady(kube, ns, 'app', await repo.revParse('HEAD'));
  const color = async (): Promise<string | undefined> =>
    ((await getObject(kube, 'v1', 'ConfigMap', ns, 'app'))?.data as { color?: string } | undefined)
      ?.color;

  const stalledAt = Date.now();
  assert.ok(proxy.stall() > 0, 'the operator had connections open through the proxy');
  // Made directly, not through the proxy: the stalled watches cannot see it.
  await applyObject(kube, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'app', namespace: ns },
    data: { color: 'red' },
  });
  await waitFor(
    'the drift to be corrected after the stall',
    async () => (await color()) === 'blue',
    90_000 + stallSeconds * 1000,
  );
  const detectedMs = Date.now() - stalledAt;
  t.diagnostic(
    `stalled watch: drift corrected ${detectedMs} ms after the stall (stall timeout ${stallTimeout})`,
  );

  const logs = await operator.logs();
  // A stall timeout under the connection's PING bound (10 to 20 s) cuts the watches first;
  // otherwise the unanswered PING resets the connection and the watches resume on a new one.
  const said =
    stallSeconds < 10
      ? /made no progress, listing again/
      : /made no progress|connection unresponsive/;
  assert.match(logs, said, 'the operator says why it watched again');
  assert.ok(proxy.connections() > 0);
  // Cut at the stall timeout, then a list and one apply: well within the timeout plus 30 s.
  assert.ok(detectedMs < stallSeconds * 1000 + 30_000, `corrected after ${detectedMs} ms`);
});
