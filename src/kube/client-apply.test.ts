// Server-side apply, get, list, delete against the local control plane.
import assert from 'node:assert/strict';
import { FIELD_MANAGER, type KubeObject } from '../core/index.ts';
import { createServer } from 'node:net';

import { clusterTest as test, loadKubeConfig, testNamespace } from '../../test/helpers/cluster.ts';
import { createKubeClient } from './client.ts';
import { eventually, must, stepSignal, testClient } from './test-helpers.ts';

const fieldManager = FIELD_MANAGER;

function deployment(ns: string, name: string, app: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app } },
      template: {
        metadata: { labels: { app } },
        spec: { containers: [{ name: 'web', image: 'registry.example/web:1.0' }] },
      },
    },
  };
}

const configMap = (
  ns: string,
  name: string,
  data: Record<string, string>,
  labels?: Record<string, string>,
) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, ...(labels ? { labels } : {}) },
  data,
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  assert.ok(address && typeof address === 'object');
  return address.port;
}

function condition(obj: KubeObject | undefined, type: string): string | undefined {
  const conditions = (
    obj?.status as { conditions?: { type: string; status: string }[] } | undefined
  )?.conditions;
  return conditions?.find((c) => c.type === type)?.status;
}

test('a Deployment applied becomes Available; applying it again changes nothing', async (t) => {
  const ns = await testNamespace(t, 'kube-deploy');
  const kube = testClient();
  const applied = must(
    await kube.apply(deployment(ns, 'web', 'web'), { fieldManager }, stepSignal()),
  );
  assert.equal(applied.metadata.name, 'web');
  assert.ok(applied.metadata.uid, 'the server returned the stored object');
  assert.equal(applied.metadata.managedFields?.[0]?.manager, fieldManager);

  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'web' };
  const live = await eventually('Deployment web to be Available', async () => {
    const got = must(await kube.get(ref, stepSignal()));
    return condition(got, 'Available') === 'True' ? got : undefined;
  });
  assert.equal((live.status as { readyReplicas?: number }).readyReplicas, 2);

  const again = must(
    await kube.apply(deployment(ns, 'web', 'web'), { fieldManager }, stepSignal()),
  );
  assert.equal(
    again.metadata.resourceVersion,
    live.metadata.resourceVersion,
    'an identical apply writes nothing',
  );
});

test('an immutable-field change is Invalid and the message names the field', async (t) => {
  const ns = await testNamespace(t, 'kube-immutable');
  const kube = testClient();
  must(await kube.apply(deployment(ns, 'web', 'web'), { fieldManager }, stepSignal()));
  const res = await kube.apply(
    deployment(ns, 'web', 'other'),
    { fieldManager, force: true },
    stepSignal(),
  );
  assert.equal(res.ok, false);
  if (res.ok) return;
  assert.equal(res.error.code, 'Invalid');
  assert.match(
    res.error.message,
    new RegExp(`^apply Deployment\\.apps/${ns}/web: .*spec\\.selector.*field is immutable`),
  );
  assert.equal(res.error.data.reason, 'Invalid');
  assert.ok(res.error.data.causes?.some((c) => c.field === 'spec.selector'));
});

test('a dry-run apply answers with the result but writes nothing', async (t) => {
  const ns = await testNamespace(t, 'kube-dryrun');
  const kube = testClient();
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'settings' };

  const dry = must(
    await kube.apply(
      configMap(ns, 'settings', { a: '1' }),
      { fieldManager, dryRun: true },
      stepSignal(),
    ),
  );
  assert.deepEqual(dry.data, { a: '1' });
  assert.equal(
    must(await kube.get(ref, stepSignal())),
    undefined,
    'a dry-run create leaves no object',
  );

  const created = must(
    await kube.apply(configMap(ns, 'settings', { a: '1' }), { fieldManager }, stepSignal()),
  );
  const dryChange = must(
    await kube.apply(
      configMap(ns, 'settings', { a: '2' }),
      { fieldManager, dryRun: true },
      stepSignal(),
    ),
  );
  assert.deepEqual(dryChange.data, { a: '2' });
  const live = must(await kube.get(ref, stepSignal()));
  assert.deepEqual(live?.data, { a: '1' });
  assert.equal(live?.metadata.resourceVersion, created.metadata.resourceVersion);
});

test('get of a missing object is undefined; delete works once, then says notFound', async (t) => {
  const ns = await testNamespace(t, 'kube-delete');
  const kube = testClient();
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'gone' };
  assert.equal(must(await kube.get(ref, stepSignal())), undefined);
  assert.equal(must(await kube.delete(ref, {}, stepSignal())), 'notFound');

  const created = must(
    await kube.apply(configMap(ns, 'gone', { a: '1' }), { fieldManager }, stepSignal()),
  );
  const wrongUid = await kube.delete(ref, { preconditionUid: 'not-the-uid' }, stepSignal());
  assert.equal(
    !wrongUid.ok && wrongUid.error.code,
    'Conflict',
    'a uid precondition protects a recreated object',
  );
  assert.equal(must(await kube.delete(ref, { dryRun: true }, stepSignal())), 'deleted');
  assert.ok(must(await kube.get(ref, stepSignal())), 'a dry-run delete leaves the object');
  const uid = created.metadata.uid ?? '';
  assert.equal(
    must(
      await kube.delete(
        ref,
        { propagationPolicy: 'Background', preconditionUid: uid },
        stepSignal(),
      ),
    ),
    'deleted',
  );
  assert.equal(must(await kube.get(ref, stepSignal())), undefined);
  assert.equal(must(await kube.delete(ref, {}, stepSignal())), 'notFound');
});

test('list filters by label, in one namespace or all, and pages through many objects', async (t) => {
  const ns = await testNamespace(t, 'kube-list');
  const kube = testClient();
  const selector = `moor.dev/test-list=${ns}`;
  const labels = { 'moor.dev/test-list': ns };
  const names = Array.from({ length: 520 }, (_, i) => `cm-${String(i).padStart(3, '0')}`);
  const results = await Promise.all(
    names.map((name, i) =>
      kube.apply(
        configMap(ns, name, { i: String(i) }, i % 2 === 0 ? labels : undefined),
        { fieldManager },
        stepSignal(),
      ),
    ),
  );
  results.forEach(must);

  const inNs = must(
    await kube.list('v1', 'ConfigMap', { namespace: ns, labelSelector: selector }, stepSignal()),
  );
  assert.equal(inNs.items.length, 260);
  assert.ok(
    inNs.items.every(
      (o) =>
        o.kind === 'ConfigMap' &&
        o.apiVersion === 'v1' &&
        o.metadata.labels?.['moor.dev/test-list'] === ns,
    ),
  );
  assert.match(inNs.resourceVersion, /^\d+$/);

  const lists = () => kube.requestCounts.get('list') ?? 0;
  let before = lists();
  const all = must(await kube.list('v1', 'ConfigMap', { namespace: ns }, stepSignal()));
  assert.ok(all.items.length >= 520, 'more than one page (500) of objects all come back');
  assert.equal(new Set(all.items.map((o) => o.metadata.name)).size, all.items.length);
  assert.equal(lists() - before, 2, 'two pages of 500');
  before = lists();
  const onePage = must(
    await kube.list('v1', 'ConfigMap', { namespace: ns, pageSize: 1_000 }, stepSignal()),
  );
  assert.equal(lists() - before, 1, 'one page of 1,000');
  assert.deepEqual(
    onePage.items.map((o) => o.metadata.name),
    all.items.map((o) => o.metadata.name),
  );
  before = lists();
  const small = must(
    await kube.list('v1', 'ConfigMap', { namespace: ns, pageSize: 200 }, stepSignal()),
  );
  assert.equal(lists() - before, Math.ceil(all.items.length / 200), 'pages of 200');
  assert.equal(small.items.length, all.items.length);

  const everywhere = must(
    await kube.list('v1', 'ConfigMap', { labelSelector: selector }, stepSignal()),
  );
  assert.equal(everywhere.items.length, 260);
  const namespaces = must(await kube.list('v1', 'Namespace', {}, stepSignal()));
  assert.ok(namespaces.items.some((o) => o.metadata.name === ns));
});

test('field ownership: another manager conflicts unless it forces', async (t) => {
  const ns = await testNamespace(t, 'kube-conflict');
  const kube = testClient();
  must(await kube.apply(configMap(ns, 'owned', { a: '1' }), { fieldManager }, stepSignal()));
  const res = await kube.apply(
    configMap(ns, 'owned', { a: '2' }),
    { fieldManager: 'someone-else' },
    stepSignal(),
  );
  assert.equal(!res.ok && res.error.code, 'Conflict');
  assert.match(
    !res.ok ? res.error.message : '',
    new RegExp(`^apply ConfigMap/${ns}/owned: .*conflict`),
  );
  const forced = must(
    await kube.apply(
      configMap(ns, 'owned', { a: '2' }),
      { fieldManager: 'someone-else', force: true },
      stepSignal(),
    ),
  );
  assert.deepEqual(forced.data, { a: '2' });
});

test('many applies reuse discovery and are counted by verb', async (t) => {
  const ns = await testNamespace(t, 'kube-counts');
  const kube = testClient();
  must(await kube.apply(configMap(ns, 'first', { a: '1' }), { fieldManager }, stepSignal()));
  const before = new Map(kube.requestCounts);
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      kube.apply(configMap(ns, `cm-${i}`, { i: String(i) }), { fieldManager }, stepSignal()),
    ),
  );
  results.forEach(must);
  assert.equal((kube.requestCounts.get('patch') ?? 0) - (before.get('patch') ?? 0), 100);
  assert.equal(
    kube.requestCounts.get('discovery'),
    before.get('discovery'),
    'no discovery request per apply',
  );
});

test('namespaced objects without a namespace, timeouts, aborts and a dead server give typed errors', async () => {
  const kube = testClient();
  const noNs = await kube.apply(
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
    { fieldManager },
    stepSignal(),
  );
  assert.equal(!noNs.ok && noNs.error.code, 'Invalid');
  assert.match(
    !noNs.ok ? noNs.error.message : '',
    /^apply ConfigMap\/x: ConfigMap is namespaced: metadata\.namespace is required$/,
  );

  const notAString = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', namespace: 'default' },
    data: { a: 1 },
  };
  const schema = await kube.apply(notAString, { fieldManager, dryRun: true }, stepSignal());
  assert.equal(
    !schema.ok && schema.error.code,
    'Invalid',
    'an object that does not fit the schema is not retried',
  );
  assert.match(
    !schema.ok ? schema.error.message : '',
    /^apply \(dry-run\) ConfigMap\/default\/x: .*\.data\.a: expected string/,
  );

  const ref = { apiVersion: 'v1', kind: 'Namespace', name: 'default' };
  must(await kube.get(ref, stepSignal()));
  const aborted = await kube.get(ref, AbortSignal.abort());
  assert.equal(!aborted.ok && aborted.error.code, 'Aborted');

  const slow = testClient({ timeoutMs: 1 });
  const timedOut = await slow.list('v1', 'Namespace', {}, stepSignal());
  assert.equal(!timedOut.ok && timedOut.error.code, 'Timeout');

  const kc = loadKubeConfig();
  const port = await closedPort();
  kc.clusters = kc.clusters.map((c) => ({ ...c, server: `https://127.0.0.1:${port}` }));
  const dead = createKubeClient({ kubeConfig: kc });
  const refused = await dead.get(ref, stepSignal());
  assert.equal(!refused.ok && refused.error.code, 'Unavailable');
  assert.match(!refused.ok ? refused.error.message : '', /ECONNREFUSED/);
});
