// Watches: events in order, the server closing, aborting. (An expired resource version: client-crd.test.ts.)
import assert from 'node:assert/strict';
import { FIELD_MANAGER } from '../core/index.ts';

import { clusterTest as test, testNamespace } from '../../test/helpers/cluster.ts';
import type { WatchEvent } from './types.ts';
import { eventually, must, stepSignal, testClient } from './test-helpers.ts';

const fieldManager = FIELD_MANAGER;

test('a watch from a list sees a ConfigMap ADDED, MODIFIED and DELETED, then stops on abort', async (t) => {
  const ns = await testNamespace(t, 'kube-watch');
  const kube = testClient();
  const listed = must(await kube.list('v1', 'ConfigMap', { namespace: ns }, stepSignal()));

  const events: WatchEvent[] = [];
  const stop = new AbortController();
  const done = kube.watch(
    'v1',
    'ConfigMap',
    { namespace: ns, resourceVersion: listed.resourceVersion },
    (e) => events.push(e),
    stop.signal,
  );
  const seen = (type: string) =>
    events.some((e) => e.type === type && e.object.metadata.name === 'watched');

  const cm = (v: string) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'watched', namespace: ns },
    data: { v },
  });
  must(await kube.apply(cm('1'), { fieldManager }, stepSignal()));
  await eventually('ADDED', () => Promise.resolve(seen('ADDED') ? true : undefined), 20_000);
  must(await kube.apply(cm('2'), { fieldManager }, stepSignal()));
  await eventually('MODIFIED', () => Promise.resolve(seen('MODIFIED') ? true : undefined), 20_000);
  must(
    await kube.delete(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'watched' },
      {},
      stepSignal(),
    ),
  );
  await eventually('DELETED', () => Promise.resolve(seen('DELETED') ? true : undefined), 20_000);

  stop.abort();
  assert.deepEqual(await done, { ok: true, value: undefined });
  const mine = events.filter((e) => e.object.metadata.name === 'watched');
  assert.deepEqual(
    mine.map((e) => [e.type, (e.object.data as { v?: string } | undefined)?.v]),
    [
      ['ADDED', '1'],
      ['MODIFIED', '2'],
      ['DELETED', '2'],
    ],
  );
  assert.ok(mine.every((e) => e.object.kind === 'ConfigMap'));
});

test('a watch the server closes resolves ok; one with a label selector sees only matching objects', async (t) => {
  const ns = await testNamespace(t, 'kube-watch-close');
  const kube = testClient();
  const events: WatchEvent[] = [];
  const started = performance.now();
  const watching = kube.watch(
    'v1',
    'ConfigMap',
    { namespace: ns, labelSelector: 'pick=yes', timeoutSeconds: 2 },
    (e) => events.push(e),
    stepSignal(),
  );
  const cm = (name: string, pick: string) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns, labels: { pick } },
  });
  must(await kube.apply(cm('a', 'yes'), { fieldManager }, stepSignal()));
  must(await kube.apply(cm('b', 'no'), { fieldManager }, stepSignal()));
  const res = await watching;
  assert.deepEqual(res, { ok: true, value: undefined });
  assert.ok(
    performance.now() - started >= 1_500,
    'the server kept the watch open until its timeout',
  );
  const names = events.filter((e) => e.type !== 'BOOKMARK').map((e) => e.object.metadata.name);
  assert.deepEqual(names, ['a']);
});
