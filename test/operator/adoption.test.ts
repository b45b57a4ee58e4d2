// Objects labelled for a Sync that no longer exists (deleted while no operator ran, or before the
// finalizer existed) are adopted by the Sync that declares them, with an Event saying so; an
// object whose owning Sync exists is still a conflict (ADR 0032).
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
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';

const labelledFor = (ns: string, name: string, owner: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name,
    namespace: ns,
    labels: { 'moor.dev/sync-name': owner, 'moor.dev/sync-namespace': ns },
  },
  data: { v: 'before' },
});

test('an object of a Sync that is gone is adopted, with an Event; a live owner still conflicts', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-adopt', {
    'taker/orphan.yaml': configMapYaml('orphan', { v: 'taken' }),
    'rival/held.yaml': configMapYaml('held', { v: 'rival' }),
  });
  await applyObject(kube, labelledFor(ns, 'orphan', 'gone'));
  await applyObject(kube, labelledFor(ns, 'held', 'alive'));
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  const spec = { sourceRef: { name: 'src' }, targetNamespace: ns };
  // `alive` exists (suspended: it applies nothing), so what is labelled for it stays its own.
  await applyObject(kube, sync(ns, 'alive', { ...spec, path: './rival', suspend: true }));
  await applyObject(kube, sync(ns, 'taker', { ...spec, path: './taker' }));
  await applyObject(kube, sync(ns, 'rival', { ...spec, path: './rival' }));

  await waitSyncReady(kube, ns, 'taker', await repo.revParse('HEAD'), 120_000);
  const orphan = await getObject(kube, 'v1', 'ConfigMap', ns, 'orphan');
  assert.equal(orphan?.metadata.labels?.['moor.dev/sync-name'], 'taker');
  assert.equal((orphan?.data as Record<string, string>).v, 'taken');
  const taker = await getSync(kube, ns, 'taker');
  type Status = { inventory?: { entries?: { kind: string; name: string }[] } };
  const entries = (taker?.status as Status | undefined)?.inventory?.entries;
  assert.deepEqual(
    entries?.map((e) => `${e.kind}/${e.name}`),
    ['ConfigMap/orphan'],
  );
  let adopted: KubeObject | undefined;
  await waitFor(
    'the Adopted event on taker',
    async () => {
      const events = await kube.list('v1', 'Event', { namespace: ns }, AbortSignal.timeout(10_000));
      adopted = events.ok
        ? events.value.items.find(
            (e) =>
              e.reason === 'Adopted' && (e.involvedObject as { name: string }).name === 'taker',
          )
        : undefined;
      return adopted !== undefined;
    },
    60_000,
  );
  assert.equal(adopted?.type, 'Normal');
  assert.equal(
    adopted?.message,
    `adopted 1 object whose Sync no longer exists: ConfigMap/${ns}/orphan (of Sync ${ns}/gone)`,
  );

  await waitFor(
    'rival reports the conflict with the live owner',
    async () => conditionOf(await getSync(kube, ns, 'rival'), 'Ready')?.reason === 'Conflict',
    120_000,
  );
  assert.match(
    conditionOf(await getSync(kube, ns, 'rival'), 'Ready')?.message ?? '',
    new RegExp(`ConfigMap/${ns}/held.*Sync ${ns}/alive`),
  );
  const held = await getObject(kube, 'v1', 'ConfigMap', ns, 'held');
  assert.equal(held?.metadata.labels?.['moor.dev/sync-name'], 'alive');
  assert.equal((held?.data as Record<string, string>).v, 'before');
});
