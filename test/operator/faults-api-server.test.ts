// The API server (then etcd) killed in the middle of applying a 500-object revision and started
// again on the same data: the operator must not crash, must not hammer the server while it is
// gone, and must converge once it is back with every object applied once and nothing orphaned.
// These tests stop parts of a control plane, so they start one of their own.
// MOOR_FAULTS_OUTAGE_SECONDS sets how long each part stays down (default 30, as in the README).
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../../src/core/index.ts';
import { createKubeClient, type KubeClient } from '../../src/kube/index.ts';
import { startComponent, stopComponent } from '../cluster/components.ts';
import {
  startControlPlane,
  stopControlPlane,
  type ControlPlane,
} from '../cluster/control-plane.ts';
import { clusterTest as test } from '../helpers/cluster.ts';
import { createTestRepo, fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  configMapYaml,
  getSync,
  gitRepository,
  installCrdsInto,
  startOperator,
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';

const OBJECTS = 500;
const outageSeconds = Number(process.env.MOOR_FAULTS_OUTAGE_SECONDS ?? '30');
const SYNC_LABEL = 'moor.dev/sync-name';

let plane: Promise<ControlPlane> | undefined;
let stateDir = '';
after(async () => {
  if (stateDir) await stopControlPlane(stateDir);
});

/** One control plane for this file's tests, stopped when the file ends. */
function ownControlPlane(): Promise<ControlPlane> {
  plane ??= (async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'moor-faults-cp-'));
    const started = await startControlPlane({ stateDir, signal: AbortSignal.timeout(180_000) });
    await installCrdsInto(createKubeClient({ kubeconfig: started.kubeconfig }));
    return started;
  })();
  return plane;
}

const manifests = (): string =>
  Array.from({ length: OBJECTS }, (_, i) =>
    configMapYaml(`cm-${String(i).padStart(3, '0')}`, {
      index: String(i),
      payload: 'x'.repeat(200),
    }),
  ).join('---\n');

async function managed(kube: KubeClient, ns: string, name: string): Promise<KubeObject[]> {
  const listed = await kube.list(
    'v1',
    'ConfigMap',
    { namespace: ns, labelSelector: `${SYNC_LABEL}=${name}` },
    AbortSignal.timeout(10_000),
  );
  if (!listed.ok) throw listed.error;
  return listed.value.items;
}

/** `moor_api_requests_total` summed over verbs, from the operator's metrics. */
async function apiRequests(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  let total = 0;
  for (const line of text.split('\n'))
    if (line.startsWith('moor_api_requests_total{')) total += Number(line.split(' ').pop());
  return total;
}

/** Polls often (not with waitFor's growing pause): the part must go down while the apply runs. */
async function untilApplyBegins(kube: KubeClient, ns: string, name: string): Promise<number> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const count = (await managed(kube, ns, name).catch(() => [])).length;
    if (count > 0) return count;
    await sleep(20);
  }
  throw new Error(`no object of Sync ${ns}/${name} appeared within 120 s`);
}

type History = { result: string; message?: string; created?: number; configured?: number }[];

async function outageMidApply(t: TestContext, component: 'kube-apiserver' | 'etcd') {
  const cp = await ownControlPlane();
  const kube = createKubeClient({ kubeconfig: cp.kubeconfig });
  const ns = `faults-${component}`;
  await applyObject(kube, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const repo = await createTestRepo({ files: { 'objects.yaml': manifests() } });
  t.after(() => repo.close());
  const operator = await startOperator({
    namespace: ns,
    kubeconfig: cp.kubeconfig,
    httpAddr: '127.0.0.1:0',
  });
  t.after(() => operator.stop());
  const url = await operator.httpUrl();
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' }, interval: '1m' }),
  );
  await applyObject(
    kube,
    sync(ns, 'many', { sourceRef: { name: 'src' }, path: './', prune: true, targetNamespace: ns }),
  );

  const seen = await untilApplyBegins(kube, ns, 'many');
  const down = await stopComponent(cp, component, 'SIGKILL');
  const downAt = Date.now();
  const requestsBefore = await apiRequests(url);
  await sleep(outageSeconds * 1000);
  const requestsDuring = (await apiRequests(url)) - requestsBefore;
  const outageMs = Date.now() - downAt;
  assert.equal(operator.process.exitCode, null, 'the operator is still running');
  await startComponent(cp, down);
  const backAt = Date.now();
  await waitFor(
    `${component} to answer again`,
    async () => (await managed(kube, ns, 'many')) !== undefined,
    120_000,
  );
  const answeringAt = Date.now();
  await waitSyncReady(kube, ns, 'many', await repo.revParse('HEAD'), 180_000);
  const convergedAt = Date.now();

  const rate = requestsDuring / (outageMs / 1000);
  t.diagnostic(
    `${component} down ${outageMs} ms after ${seen}/${OBJECTS} objects: ${requestsDuring} requests (${rate.toFixed(2)}/s); answering ${answeringAt - backAt} ms after the restart; Sync Ready ${convergedAt - answeringAt} ms after that`,
  );
  // Bounded retry: the reflectors' and the reconciler's backoffs, and an apply that stops at the
  // first request without an answer (not one request per object: 500 would be sent).
  assert.ok(rate < 10, `${rate.toFixed(2)} requests/s while ${component} was down`);

  const objects = await managed(kube, ns, 'many');
  assert.equal(objects.length, OBJECTS, 'every object applied');
  const status = (await getSync(kube, ns, 'many'))?.status as {
    inventory?: { entries?: { name: string }[] };
    history?: History;
  };
  const inventory = new Set((status.inventory?.entries ?? []).map((e) => e.name));
  assert.equal(inventory.size, OBJECTS, 'the inventory names every object');
  const orphans = objects.map((o) => o.metadata.name ?? '').filter((n) => !inventory.has(n));
  assert.deepEqual(orphans, [], 'no object labelled for the Sync is missing from its inventory');
  // The attempt the outage cut short could not write its history entry (the server was gone):
  // what it created shows as unchanged in the next apply. Written once means never configured.
  const history = status.history ?? [];
  t.diagnostic(
    `history: ${JSON.stringify(history.map((h) => [h.result, h.message?.slice(0, 120)]))}`,
  );
  const last = history[0];
  assert.equal(last?.result, 'Succeeded');
  assert.match(last?.message ?? '', /^(\d+) created(, (\d+) unchanged)?$/);
  const [, made = '0', , same = '0'] =
    /^(\d+) created(, (\d+) unchanged)?$/.exec(last?.message ?? '') ?? [];
  assert.equal(
    Number(made) + Number(same),
    OBJECTS,
    'the last apply created or found every object',
  );
  const configured = history.reduce((sum, h) => sum + (h.configured ?? 0), 0);
  assert.equal(configured, 0, 'no object written twice');
}

test(
  'the API server killed mid-apply and restarted: no crash, no hammering, converged once back',
  { timeout: 600_000 },
  (t) => outageMidApply(t, 'kube-apiserver'),
);

test(
  'etcd killed mid-apply and restarted: no crash, no hammering, converged once back',
  { timeout: 600_000 },
  (t) => outageMidApply(t, 'etcd'),
);
