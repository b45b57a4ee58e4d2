// An informer against the real control plane: 1,000 objects or fewer are listed in one request
// (the start-up of an operator with 1,000 Syncs waits for one answer, not two in a row).
import assert from 'node:assert/strict';
import pino from 'pino';
import { FIELD_MANAGER } from '../core/index.ts';
import { createKubeClient } from '../kube/index.ts';
import { clusterTest as test, testCluster, testNamespace } from '../../test/helpers/cluster.ts';
import { INFORMER_PAGE_SIZE, startInformer } from './informer.ts';

const OBJECTS = 600;

test('an informer lists up to 1,000 objects in one request, all of them', async (t) => {
  const ns = await testNamespace(t, 'informer-page');
  const kube = createKubeClient({ kubeconfig: testCluster().kubeconfig });
  const step = () => AbortSignal.timeout(60_000);
  for (let i = 0; i < OBJECTS; i += 50) {
    const batch = Array.from({ length: Math.min(50, OBJECTS - i) }, (_, j) =>
      kube.apply(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `cm-${i + j}`, namespace: ns },
          data: { i: String(i + j) },
        },
        { fieldManager: FIELD_MANAGER },
        step(),
      ),
    );
    for (const res of await Promise.all(batch)) assert.ok(res.ok);
  }
  assert.ok(INFORMER_PAGE_SIZE >= 1_000);
  const lists = () => kube.requestCounts.get('list') ?? 0;
  const before = lists();
  const stop = new AbortController();
  t.after(() => stop.abort());
  const informer = startInformer({
    kube,
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: ns,
    onChange: () => undefined,
    signal: stop.signal,
    logger: pino({ level: 'silent' }),
  });
  await informer.synced;
  assert.equal(lists() - before, 1, `${OBJECTS} objects in one list request`);
  const names = new Set(informer.list().map((o) => o.metadata.name));
  assert.ok(names.size >= OBJECTS && names.has(`cm-${OBJECTS - 1}`), `${names.size} listed`);
});
