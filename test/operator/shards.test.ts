// Sharding (ADR 0026): two operator processes, one started with `--shard a`, one without; each
// lists, watches, caches and reconciles only its own Syncs and GitRepositories, and the sharded
// one's live cache holds only the objects of its Syncs (ADR 0032). Both elect a
// leader (as the exported Deployment does), each shard with its own Lease.
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/core/index.ts';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getObject,
  getSync,
  gitRepository,
  setUpScenario,
  startOperator,
  sync,
  waitFor,
  type RunningOperator,
} from '../helpers/operator.ts';

const PER_SHARD = 20;
const SHARD = 'moor.dev/shard';

async function metric(op: RunningOperator, series: string): Promise<number> {
  const text = await (await fetch(`${await op.httpUrl()}/metrics`)).text();
  const values = text
    .split('\n')
    .filter((l) => l.startsWith(series))
    .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
  return values.reduce((a, b) => a + b, 0);
}

const labelled = (obj: KubeObject, shard: string | undefined): KubeObject =>
  shard === undefined ? obj : { ...obj, metadata: { ...obj.metadata, labels: { [SHARD]: shard } } };

test(
  'two shards: the operator with --shard a takes only the Syncs labelled a, the one without --shard only the unlabelled',
  { timeout: 600_000 },
  async (t) => {
    const files: Record<string, string> = {};
    for (const s of ['a', 'none'])
      for (let i = 0; i < PER_SHARD; i++)
        files[`${s}-${i}/cm.yaml`] = configMapYaml(`${s}-${i}`, { i: String(i) });
    // The scenario's own operator runs without --shard and names itself in the statuses.
    const { kube, ns, repo, operator } = await setUpScenario(t, 'op-shards', files, {
      httpAddr: '127.0.0.1:0',
      extraArgs: ['--operator-id', 'op-unlabelled', '--leader-elect'],
    });
    const sharded = await startOperator({
      namespace: ns,
      httpAddr: '127.0.0.1:0',
      extraArgs: ['--shard', 'a', '--operator-id', 'op-a', '--leader-elect'],
    });
    t.after(() => sharded.stop());
    const started = Date.now();
    for (const [s, label] of [
      ['a', 'a'],
      ['none', undefined],
    ] as const) {
      const source = gitRepository(ns, `repo-${s}`, {
        url: fileUrl(repo),
        ref: { branch: 'main' },
        interval: '1h',
      });
      await applyObject(kube, labelled(source, label));
      for (let i = 0; i < PER_SHARD; i++) {
        const spec = { sourceRef: { name: `repo-${s}` }, path: `${s}-${i}`, targetNamespace: ns };
        await applyObject(kube, labelled(sync(ns, `${s}-${i}`, spec), label));
      }
    }
    const writer = (o: KubeObject | undefined) =>
      (o?.status as { operator?: string } | undefined)?.operator;
    await waitFor(
      `${2 * PER_SHARD} Syncs Ready`,
      async () => {
        for (const s of ['a', 'none'])
          for (let i = 0; i < PER_SHARD; i++) {
            const got = await getSync(kube, ns, `${s}-${i}`);
            if (conditionOf(got, 'Ready')?.status !== 'True') return false;
          }
        return true;
      },
      240_000,
    );
    const readyS = (Date.now() - started) / 1000;
    for (let i = 0; i < PER_SHARD; i++) {
      assert.equal(writer(await getSync(kube, ns, `a-${i}`)), 'op-a', `a-${i}`);
      assert.equal(writer(await getSync(kube, ns, `none-${i}`)), 'op-unlabelled', `none-${i}`);
    }
    // Each shard elects its own leader: two Leases, one each.
    for (const lease of ['moor-operator-leader', 'moor-operator-leader-a'])
      assert.ok(await getObject(kube, 'coordination.k8s.io/v1', 'Lease', ns, lease), lease);
    // Each process holds only its own shard: the other's Syncs and sources never reached it.
    const tracked = 'moor_remembered_entries{map="artifact_index_syncs"}';
    assert.equal(await metric(sharded, tracked), PER_SHARD);
    assert.equal(await metric(operator, tracked), PER_SHARD);
    const sources = 'moor_remembered_entries{map="artifacts"}';
    assert.equal(await metric(sharded, sources), 1);
    assert.equal(await metric(operator, sources), 1);
    // Its live cache holds only the objects it applied, stamped with its shard (ADR 0032); the
    // operator without --shard caches every Moor-labelled object (this test's 40 at least).
    const cached = 'moor_live_cache_objects';
    assert.equal(await metric(sharded, cached), PER_SHARD);
    assert.ok((await metric(operator, cached)) >= 2 * PER_SHARD);
    const shardOf = async (name: string) =>
      (await getObject(kube, 'v1', 'ConfigMap', ns, name))?.metadata.labels?.[SHARD];
    assert.equal(await shardOf('a-0'), 'a');
    assert.equal(await shardOf('none-0'), undefined);
    assert.doesNotMatch(await sharded.logs(), new RegExp(`"sync":"${ns}/none-`));
    assert.doesNotMatch(await operator.logs(), new RegExp(`"sync":"${ns}/a-`));
    t.diagnostic(`${2 * PER_SHARD} Syncs over two shards Ready in ${readyS.toFixed(1)} s`);

    // Relabelling moves a Sync (with its source) to the other shard: the other operator takes it.
    await kube.mergePatch(
      { apiVersion: 'moor.dev/v1alpha1', kind: 'GitRepository', namespace: ns, name: 'repo-none' },
      { metadata: { labels: { [SHARD]: 'a' } } },
      AbortSignal.timeout(10_000),
    );
    await kube.mergePatch(
      { apiVersion: 'moor.dev/v1alpha1', kind: 'Sync', namespace: ns, name: 'none-0' },
      {
        metadata: {
          labels: { [SHARD]: 'a' },
          annotations: { 'moor.dev/reconcile-requested-at': 'move' },
        },
      },
      AbortSignal.timeout(10_000),
    );
    await waitFor(
      'the moved Sync and source held by the shard a operator only',
      async () =>
        (await metric(sharded, tracked)) === PER_SHARD + 1 &&
        (await metric(operator, tracked)) === PER_SHARD - 1 &&
        (await metric(sharded, sources)) === 2,
      120_000,
    );
    // It fetches the moved source itself, then converges the Sync and writes its status.
    await waitFor(
      'the moved Sync Ready, written by the shard a operator',
      async () => {
        const after = await getSync(kube, ns, 'none-0');
        const ready = conditionOf(after, 'Ready');
        if (ready?.status !== 'True') throw new Error(`${ready?.reason}: ${ready?.message}`);
        return writer(after) === 'op-a';
      },
      120_000,
    );
    // Applied before without the label, its object is stamped by its new shard and cached there.
    await waitFor(
      'the moved object in the shard a cache',
      async () => (await metric(sharded, cached)) === PER_SHARD + 1,
      60_000,
    );
    assert.equal(await shardOf('none-0'), 'a');
  },
);
