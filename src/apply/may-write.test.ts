// The apply's writes wait for the caller's step before them (the Sync's intent write), while its
// validation does not: against the real API server, nothing exists until `mayWrite` resolves,
// and nothing is written when it resolves false.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock, type KubeObject } from '../core/index.ts';
import type { KubeClient } from '../kube/index.ts';
import { must, stepSignal, testClient } from '../kube/test-helpers.ts';
import { clusterTest as test, testNamespace } from '../../test/helpers/cluster.ts';
import { applyPlan } from './apply.ts';

const OBJECTS = 20;
const labels = { 'moor.dev/sync-name': 'app' };

const configMaps = (ns: string): KubeObject[] =>
  Array.from({ length: OBJECTS }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `cm-${i}`, namespace: ns, labels },
    data: { i: String(i) },
  }));

/** The real client, counting dry-runs and writes as they are sent. */
function counting(kube: KubeClient) {
  const n = { dryRuns: 0, writes: 0 };
  const counted: KubeClient = {
    ...kube,
    apply: (obj, opts, signal) => {
      if (opts.dryRun) n.dryRuns++;
      else n.writes++;
      return kube.apply(obj, opts, signal);
    },
  };
  return { kube: counted, n };
}

function applyGated(kube: KubeClient, objects: KubeObject[], mayWrite: Promise<boolean>) {
  return applyPlan(
    {
      stages: [[], objects],
      prune: [],
      owner: { name: 'app', namespace: 'app' },
      fieldManager: 'moor',
      force: false,
      timeoutMs: 30_000,
      mayWrite,
    },
    { kube, signal: AbortSignal.timeout(120_000), concurrency: 8, clock: systemClock },
  );
}

const listed = async (kube: KubeClient, ns: string) =>
  must(
    await kube.list(
      'v1',
      'ConfigMap',
      { namespace: ns, labelSelector: 'moor.dev/sync-name' },
      stepSignal(),
    ),
  ).items.length;

test('validation runs before mayWrite resolves; the writes wait for it', async (t) => {
  const ns = await testNamespace(t, 'may-write');
  const real = testClient();
  const { kube, n } = counting(real);
  let allow: (may: boolean) => void = () => undefined;
  const mayWrite = new Promise<boolean>((resolve) => (allow = resolve));
  const applying = applyGated(kube, configMaps(ns), mayWrite);
  // The validation's dry-run goes out while the gate is closed (bounded wait).
  for (let i = 0; i < 600 && n.dryRuns === 0; i++) await sleep(50);
  assert.ok(n.dryRuns > 0, 'validated before the gate opened');
  await sleep(300);
  assert.equal(n.writes, 0, 'no write before the gate opened');
  assert.equal(await listed(real, ns), 0, 'nothing exists before the gate opened');
  allow(true);
  const outcome = await applying;
  assert.ok(outcome.ok, JSON.stringify(outcome.entries.filter((e) => e.action === 'failed')));
  assert.equal(outcome.entries.filter((e) => e.action === 'created').length, OBJECTS);
  assert.equal(await listed(real, ns), OBJECTS);
});

test('mayWrite false or rejected: nothing is written, every object is reported skipped', async (t) => {
  const ns = await testNamespace(t, 'may-write-no');
  const real = testClient();
  const gates = [
    () => Promise.resolve(false),
    // Rejected only once the validation is under way, so the rejection is awaited, not stray.
    () => sleep(200).then(() => Promise.reject(new Error('intent not recorded'))),
  ];
  for (const gate of gates) {
    const { kube, n } = counting(real);
    const outcome = await applyGated(kube, configMaps(ns), gate());
    assert.equal(outcome.ok, false);
    assert.equal(n.writes, 0);
    assert.equal(outcome.entries.length, OBJECTS);
    assert.ok(outcome.entries.every((e) => e.action === 'skipped' && /called off/.test(e.message)));
  }
  assert.equal(await listed(real, ns), 0);
});
