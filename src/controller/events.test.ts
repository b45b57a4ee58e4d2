// The event recorder against the real API server: repeats become one Event with a count, and one
// object cannot flood the namespace with Events.
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { KubeObject } from '../core/index.ts';
import { createKubeClient } from '../kube/index.ts';
import { clusterTest as test, testCluster, testNamespace } from '../../test/helpers/cluster.ts';
import { createEventRecorder } from './events.ts';

test('11,000 identical events are one Event with their count; distinct ones are capped per object', async (t) => {
  const ns = await testNamespace(t, 'ctl-events');
  const kube = createKubeClient({ kubeconfig: testCluster().kubeconfig });
  let now = new Date('2026-01-01T00:00:00Z');
  const events = createEventRecorder({
    kube,
    clock: { now: () => now },
    logger: pino({ level: 'silent' }),
    component: 'moor',
    signal: AbortSignal.timeout(60_000),
  });
  const about = (name: string) => ({
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'Sync',
    namespace: ns,
    name,
  });
  const message = 'Sync other/web also declares ConfigMap/x/y, which this Sync owns';
  for (let i = 0; i < 11_000; i++) events.record(about('busy'), 'Warning', 'Conflict', message);
  for (let i = 0; i < 500; i++)
    events.record(about('chatty'), 'Normal', 'Applied', `revision ${i}`);
  await events.flush();
  // Later, the limit has room again: the next repeat carries the whole count.
  now = new Date(now.getTime() + 60_000);
  events.record(about('busy'), 'Warning', 'Conflict', message);
  await events.flush();

  const listed = await kube.list('v1', 'Event', { namespace: ns }, AbortSignal.timeout(10_000));
  assert.ok(listed.ok);
  const of = (name: string): KubeObject[] =>
    listed.value.items.filter((e) => (e.involvedObject as { name: string }).name === name);
  const busy = of('busy');
  assert.equal(busy.length, 1, 'one Event for the repeated one');
  assert.equal(busy[0]?.count, 11_001);
  assert.equal(Date.parse(String(busy[0]?.firstTimestamp)), Date.parse('2026-01-01T00:00:00Z'));
  assert.equal(Date.parse(String(busy[0]?.lastTimestamp)), Date.parse('2026-01-01T00:01:00Z'));
  const chatty = of('chatty');
  assert.ok(chatty.length > 0 && chatty.length <= 25, `${chatty.length} Events for one object`);
});
