// Syncs sharing one GitRepository: a commit that changes one Sync's path moves every Sync to the
// new revision, but only what the change may touch is rendered and applied again; a base in a
// sibling directory counts, and so does drift.
import assert from 'node:assert/strict';
import { ringOf } from '../../src/controller/history/store.ts';
import type { KubeClient } from '../../src/kube/index.ts';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import { testKustomize } from '../helpers/kustomize.ts';
import {
  applyObject,
  configMapYaml,
  getObject,
  getSync,
  gitRepository,
  setUpScenario,
  sync,
  waitFor,
  waitSyncReady,
  type RunningOperator,
} from '../helpers/operator.ts';

const { skip } = testKustomize();

const dataOf = async (kube: KubeClient, ns: string, name: string) =>
  (await getObject(kube, 'v1', 'ConfigMap', ns, name))?.data as Record<string, string> | undefined;

/** The Syncs the operator logged as skipped (not rendered, not applied) on `revision`. */
async function skippedOn(operator: RunningOperator, sha: string): Promise<string[]> {
  const lines = (await operator.logs()).split('\n').filter((l) => l.includes('not rendered'));
  return lines
    .map((l) => JSON.parse(l) as { sync?: string; revision?: string })
    .filter((l) => l.revision?.endsWith(sha))
    .map((l) => l.sync?.split('/')[1] ?? '')
    .sort();
}

const kustomization = (resources: string[]) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;

test(
  'a commit to one path renders and applies only the Syncs it may change',
  { skip },
  async (t) => {
    const { kube, ns, repo, operator } = await setUpScenario(
      t,
      'op-shared',
      {
        'apps/a/cm.yaml': configMapYaml('a', { v: '1' }),
        'apps/b/kustomization.yaml': kustomization(['../../bases/b']),
        'bases/b/kustomization.yaml': kustomization(['cm.yaml']),
        'bases/b/cm.yaml': configMapYaml('b', { v: '1' }),
        'apps/c/cm.yaml': configMapYaml('c', { v: '1' }),
      },
      { httpAddr: '127.0.0.1:0' },
    );
    await applyObject(
      kube,
      gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
    );
    const paths = { a: './apps/a', b: './apps/b', c: './apps/c' };
    for (const [name, path] of Object.entries(paths)) {
      const drift = name === 'c' ? { drift: { mode: 'Alert', alertAfter: '1h' } } : {};
      await applyObject(
        kube,
        sync(ns, name, { sourceRef: { name: 'app' }, path, targetNamespace: ns, ...drift }),
      );
    }
    for (const name of Object.keys(paths)) await waitSyncReady(kube, ns, name);

    // Only apps/a changes: b (a kustomization whose base did not change) and c are not rendered.
    const first = await repo.commit({ 'apps/a/cm.yaml': configMapYaml('a', { v: '2' }) });
    for (const name of Object.keys(paths)) await waitSyncReady(kube, ns, name, first);
    assert.deepEqual(await dataOf(kube, ns, 'a'), { v: '2' });
    assert.deepEqual(await skippedOn(operator, first), ['b', 'c']);

    // The base of b changes, outside b's path: b is rendered and applied again.
    const second = await repo.commit({ 'bases/b/cm.yaml': configMapYaml('b', { v: '2' }) });
    for (const name of Object.keys(paths)) await waitSyncReady(kube, ns, name, second);
    assert.deepEqual(await dataOf(kube, ns, 'b'), { v: '2' });
    assert.deepEqual(await skippedOn(operator, second), ['a', 'c']);

    // c drifts (Alert: reported, left in place); a commit elsewhere applies c whole again: taken
    // in the skip lane (its render read nothing that changed), handed back to the main lane.
    await kube.apply(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c', namespace: ns },
        data: { v: 'edited' },
      },
      { fieldManager: 'kubectl-edit', force: true },
      AbortSignal.timeout(10_000),
    );
    await waitFor('Sync c to report the drift', async () => {
      const status = (await getSync(kube, ns, 'c'))?.status as { drift?: unknown } | undefined;
      return status?.drift !== undefined;
    });
    const third = await repo.commit({ 'apps/a/cm.yaml': configMapYaml('a', { v: '3' }) });
    await waitSyncReady(kube, ns, 'c', third);
    assert.deepEqual(await dataOf(kube, ns, 'c'), { v: '1' });
    assert.deepEqual(await skippedOn(operator, third), ['b']);
    const deferred = await reconciles(await operator.httpUrl(), 'deferred');
    assert.ok(deferred >= 1, `${deferred} Sync reconciles deferred to the main lane`);
  },
);

/** `moor_api_requests_total` by verb, from the operator's metrics. */
async function apiRequests(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  const verbs = new Map<string, number>();
  for (const m of text.matchAll(/^moor_api_requests_total\{verb="([a-z]+)"\} (\d+)$/gm))
    verbs.set(m[1] ?? '', Number(m[2]));
  return verbs;
}

/** Requests by verb made between two readings, and their sum. */
function spentBetween(before: Map<string, number>, after: Map<string, number>) {
  const byVerb = [...after].map(([verb, n]) => [verb, n - (before.get(verb) ?? 0)] as const);
  const total = byVerb.reduce((sum, [, n]) => sum + n, 0);
  return { total, byVerb: Object.fromEntries(byVerb.filter(([, n]) => n > 0)) };
}

/** `moor_reconcile_total` of Syncs with this result. */
async function reconciles(url: string, result: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`moor_reconcile_total{kind="Sync",result="${result}"} `));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

const SYNCS = 24;
/**
 * Per skipped Sync: its status write, its history update (no read: the operator wrote it last)
 * and its `Applied` and `Converged` Events.
 */
const REQUESTS_PER_SKIPPED = 4;
/** The changed Sync's own (intent, apply, status, history, Events) and the source's status. */
const REQUESTS_BESIDES = 20;

test(
  `${SYNCS} Syncs on one source all move to each revision, each with its history, in few requests`,
  { skip },
  async (t) => {
    const names = Array.from({ length: SYNCS }, (_, i) => `s${String(i).padStart(2, '0')}`);
    const files = Object.fromEntries(
      names.map((n) => [`apps/${n}/cm.yaml`, configMapYaml(n, { v: '0' })]),
    );
    const { kube, ns, repo, operator } = await setUpScenario(t, 'op-shared-many', files, {
      httpAddr: '127.0.0.1:0',
    });
    const url = await operator.httpUrl();
    await applyObject(
      kube,
      gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
    );
    for (const n of names)
      await applyObject(
        kube,
        sync(ns, n, {
          sourceRef: { name: 'app' },
          path: `./apps/${n}`,
          targetNamespace: ns,
          interval: '1h',
        }),
      );
    for (const n of names) await waitSyncReady(kube, ns, n, undefined, 180_000);

    const shas: string[] = [];
    for (const [round, changed] of ['s03', 's17'].entries()) {
      const before = await apiRequests(url);
      const sha = await repo.commit({
        [`apps/${changed}/cm.yaml`]: configMapYaml(changed, { v: String(round + 1) }),
      });
      shas.push(sha);
      for (const n of names) await waitSyncReady(kube, ns, n, sha, 120_000);
      const spent = spentBetween(before, await apiRequests(url));
      const bound = REQUESTS_PER_SKIPPED * (SYNCS - 1) + REQUESTS_BESIDES;
      const said = `${spent.total} API requests (${JSON.stringify(spent.byVerb)})`;
      assert.ok(spent.total <= bound, `round ${round}: ${said}, more than ${bound}`);
      assert.deepEqual(await dataOf(kube, ns, changed), { v: String(round + 1) });
      assert.deepEqual(
        await skippedOn(operator, sha),
        names.filter((n) => n !== changed),
      );
    }
    // Every Sync's durable history holds every revision, newest first.
    for (const n of names) {
      const history = await getObject(kube, 'moor.dev/v1alpha1', 'SyncHistory', ns, n);
      const revisions = ringOf(history).records.map((r) => r.revision.split(':').pop());
      assert.deepEqual(revisions.slice(0, 2), [shas[1], shas[0]], `SyncHistory ${n}`);
      assert.equal(revisions.length, 3, `SyncHistory ${n}: the first apply and two moves`);
    }
  },
);
