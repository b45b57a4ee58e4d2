// The watch of render inputs against the real control plane: a change to a ConfigMap or Secret a
// Sync reads wakes that Sync only; reads are served from the watch (no request); objects no Sync
// reads are kept without their data; and the refs of a Sync come from its spec (table).
import assert from 'node:assert/strict';
import { test as pureTest } from 'node:test';
import pino from 'pino';
import { FIELD_MANAGER, type KubeObject } from '../core/index.ts';
import { createKubeClient } from '../kube/index.ts';
import { clusterTest as test, testCluster, testNamespace } from '../../test/helpers/cluster.ts';
import { inputRefsOf, watchedGet, watchRenderInputs } from './render-inputs-watch.ts';

const step = (): AbortSignal => AbortSignal.timeout(30_000);

const syncOf = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'moor.dev/v1alpha1',
  kind: 'Sync',
  metadata: { name, namespace: 'apps' },
  spec: { sourceRef: { name: 'src' }, ...spec },
});

pureTest('inputRefsOf: substituteFrom, helm valuesFrom and the decryption Secret', () => {
  const cases: { spec: Record<string, unknown>; refs: string[] }[] = [
    { spec: {}, refs: [] },
    {
      spec: {
        substituteFrom: [
          { kind: 'ConfigMap', name: 'a' },
          { kind: 'Secret', name: 's' },
        ],
      },
      refs: ['ConfigMap/a', 'Secret/s'],
    },
    {
      spec: { helm: { valuesFrom: [{ kind: 'ConfigMap', name: 'v', key: 'x' }] } },
      refs: ['ConfigMap/v'],
    },
    {
      spec: { decryption: { provider: 'sops', secretRef: { name: 'age' } } },
      refs: ['Secret/age'],
    },
    { spec: { substituteFrom: [{ kind: 'Pod', name: 'p' }, { kind: 'ConfigMap' }] }, refs: [] },
    {
      spec: { helm: { sourceRef: { kind: 'HelmRepository', name: 'charts' }, chart: 'web' } },
      refs: ['HelmRepository/charts'],
    },
  ];
  for (const c of cases) {
    const refs = inputRefsOf(syncOf('s', c.spec)).map((r) => `${r.kind}/${r.name}`);
    assert.deepEqual(refs, c.refs, JSON.stringify(c.spec));
    assert.ok(inputRefsOf(syncOf('s', c.spec)).every((r) => r.namespace === 'apps'));
  }
  const across = syncOf('s', {
    helm: { sourceRef: { kind: 'HelmRepository', name: 'charts', namespace: 'shared' } },
  });
  assert.deepEqual(inputRefsOf(across), [
    { kind: 'HelmRepository', namespace: 'shared', name: 'charts' },
  ]);
});

pureTest("inputRefsOf: a HelmRepository's auth Secret, in its namespace", () => {
  const repo = (spec: Record<string, unknown>) => ({
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'HelmRepository',
    metadata: { name: 'charts', namespace: 'shared' },
    spec: { url: 'https://charts.example/', ...spec },
  });
  assert.deepEqual(inputRefsOf(repo({ secretRef: { name: 'auth' } })), [
    { kind: 'Secret', namespace: 'shared', name: 'auth' },
  ]);
  assert.deepEqual(inputRefsOf(repo({})), []);
});

test('a change to a ConfigMap a Sync reads wakes that Sync only, served from the watch', async (t) => {
  const ns = await testNamespace(t, 'inputs-watch');
  const kube = createKubeClient({ kubeconfig: testCluster().kubeconfig });
  const stop = new AbortController();
  t.after(() => stop.abort());
  const cm = (name: string, data: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns },
    data,
  });
  const apply = async (obj: KubeObject) => {
    const done = await kube.apply(obj, { fieldManager: FIELD_MANAGER, force: true }, step());
    assert.ok(done.ok, done.ok ? '' : done.error.message);
  };
  await apply(cm('vars-a', { X: '1' }));
  await apply(cm('vars-b', { X: '2' }));
  await apply(cm('unread', { big: 'y'.repeat(1000) }));
  const woken: string[][] = [];
  const inputs = watchRenderInputs({
    kube,
    signal: stop.signal,
    logger: pino({ level: 'silent' }),
    wake: (keys) => woken.push([...keys]),
  });
  const at = (name: string, spec: Record<string, unknown>) => ({
    ...syncOf(name, spec),
    metadata: { name, namespace: ns },
  });
  inputs.track(at('a', { substituteFrom: [{ kind: 'ConfigMap', name: 'vars-a' }] }));
  inputs.track(at('b', { substituteFrom: [{ kind: 'ConfigMap', name: 'vars-b' }] }));
  const until = async (what: string, ok: () => boolean) => {
    for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(ok(), what);
  };
  await until('the watch listed', () => inputs.lookup('ConfigMap', ns, 'vars-a') !== undefined);
  assert.deepEqual(inputs.lookup('ConfigMap', ns, 'vars-a')?.data, { X: '1' });
  assert.equal(inputs.lookup('ConfigMap', ns, 'missing'), null, 'known absent');
  assert.equal(inputs.lookup('ConfigMap', ns, 'unread'), undefined, 'kept without data');
  assert.equal(inputs.lookup('Secret', ns, 'vars-a'), undefined, 'Secrets are not watched here');

  const gets = kube.requestCounts.get('get') ?? 0;
  const get = watchedGet(kube, inputs);
  const read = await get(
    { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'vars-a' },
    step(),
  );
  assert.ok(read.ok && (read.value?.data as { X?: string } | undefined)?.X === '1');
  assert.equal(kube.requestCounts.get('get') ?? 0, gets, 'a watched read sends no request');

  await apply(cm('vars-a', { X: '3' }));
  await until('Sync a woken', () => woken.some((k) => k.includes(`${ns}/a`)));
  assert.ok(!woken.flat().includes(`${ns}/b`), 'Sync b does not read vars-a');
  assert.deepEqual(inputs.lookup('ConfigMap', ns, 'vars-a')?.data, { X: '3' });
  await apply(cm('unread', { big: 'z' }));
  await apply(cm('vars-b', { X: '4' }));
  await until('Sync b woken', () => woken.some((k) => k.includes(`${ns}/b`)));
  assert.ok(
    woken.every((k) => k.length === 1),
    JSON.stringify(woken),
  );

  // Forgotten: no more wakes for its objects.
  inputs.forget(`${ns}/a`);
  const before = woken.length;
  await apply(cm('vars-a', { X: '5' }));
  await apply(cm('vars-b', { X: '6' }));
  await until('Sync b woken again', () => woken.length > before);
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(!woken.slice(before).flat().includes(`${ns}/a`));
});
