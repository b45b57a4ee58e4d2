// The reflector against the real control plane: it lists, a watch from a version long gone gets
// 410 and the reflector lists again, a watch the server closes is reopened without a list,
// changes arrive, and abort stops it. (A new kind's watch window starts at its creation, so
// version 1 is certain to be gone: the same way client-crd.test.ts sees `Expired`.)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { FIELD_MANAGER, type KubeObject } from '../core/index.ts';
import { clusterTest as test, testNamespace } from '../../test/helpers/cluster.ts';
import { startReflector, type ChangeType, type KubeClient, type KubeErrorCode } from './index.ts';
import { eventually, must, stepSignal, testClient } from './test-helpers.ts';

const fieldManager = FIELD_MANAGER;
const until = (what: string, probe: () => boolean) =>
  eventually(what, () => Promise.resolve(probe() ? true : undefined), 20_000);

function gadgetCrd(group: string): KubeObject {
  const spec = { type: 'object', properties: { size: { type: 'integer' } } };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `gadgets.${group}` },
    spec: {
      group,
      names: { kind: 'Gadget', listKind: 'GadgetList', plural: 'gadgets', singular: 'gadget' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec } } },
        },
      ],
    },
  };
}

/** The real client; the first list claims version 1, so its watch gets 410. Watch ends recorded. */
function claimingOldVersion(real: KubeClient) {
  const ends: Array<KubeErrorCode | 'ok'> = [];
  let lists = 0;
  const kube: Pick<KubeClient, 'list' | 'watch'> = {
    list: async (apiVersion, kind, opts, signal) => {
      const listed = await real.list(apiVersion, kind, opts, signal);
      lists++;
      if (!listed.ok || lists > 1) return listed;
      return { ok: true, value: { ...listed.value, resourceVersion: '1' } };
    },
    watch: async (apiVersion, kind, opts, onEvent, signal) => {
      const watched = await real.watch(apiVersion, kind, opts, onEvent, signal);
      ends.push(watched.ok ? 'ok' : watched.error.code);
      return watched;
    },
  };
  return { kube, ends, lists: () => lists };
}

test('the reflector lists, lists again after 410, keeps watching across server closes, and stops', async (t) => {
  const ns = await testNamespace(t, 'kube-reflector');
  const real = testClient();
  const group = `g${randomBytes(3).toString('hex')}.kube-test.moor.dev`;
  const apiVersion = `${group}/v1`;
  const crd = gadgetCrd(group);
  must(await real.apply(crd, { fieldManager }, stepSignal()));
  t.after(() =>
    real.delete(
      { apiVersion: crd.apiVersion, kind: crd.kind, name: `gadgets.${group}` },
      {},
      stepSignal(),
    ),
  );
  const gadget = (name: string, size = 1): KubeObject => ({
    apiVersion,
    kind: 'Gadget',
    metadata: { name, namespace: ns, labels: { picked: 'yes' } },
    spec: { size },
  });
  await eventually('the Gadget kind to be served', async () => {
    const applied = await real.apply(gadget('a'), { fieldManager }, stepSignal());
    return applied.ok ? true : undefined;
  });
  for (const name of ['b', 'c'])
    must(await real.apply(gadget(name), { fieldManager }, stepSignal()));

  const { kube, ends, lists } = claimingOldVersion(real);
  const stop = new AbortController();
  t.after(() => stop.abort());
  const changes: Array<[ChangeType, string]> = [];
  const reflector = startReflector({
    kube,
    apiVersion,
    kind: 'Gadget',
    namespace: ns,
    labelSelector: 'picked=yes',
    signal: stop.signal,
    logger: pino({ level: 'silent' }),
    watchTimeoutSeconds: 2,
    onChange: (type, obj) => changes.push([type, obj.metadata.name ?? '']),
  });
  assert.deepEqual(await reflector.synced, { ok: true, value: undefined });
  assert.deepEqual(
    reflector
      .list()
      .map((o) => o.metadata.name)
      .sort(),
    ['a', 'b', 'c'],
  );

  await until('the expired watch to be listed again', () => lists() === 2);
  assert.equal(ends[0], 'Expired');

  must(await real.apply(gadget('d'), { fieldManager }, stepSignal()));
  must(
    await real.delete({ apiVersion, kind: 'Gadget', namespace: ns, name: 'a' }, {}, stepSignal()),
  );
  await until('d added and a deleted', () => !!reflector.get(ns, 'd') && !reflector.get(ns, 'a'));
  // The server closes each watch after 2 s; the reflector watches on from where it was.
  await until('a watch the server closed', () => ends.includes('ok'));
  must(await real.apply(gadget('b', 2), { fieldManager }, stepSignal()));
  await until('b modified', () => (reflector.get(ns, 'b')?.spec as { size?: number }).size === 2);
  assert.equal(lists(), 2, 'a clean close is followed by a watch, not a list');

  stop.abort();
  await reflector.done;
  assert.deepEqual(changes, [
    ['added', 'a'],
    ['added', 'b'],
    ['added', 'c'],
    ['added', 'd'],
    ['deleted', 'a'],
    ['modified', 'b'],
  ]);
  const watches = ends.length;
  must(await real.apply(gadget('e'), { fieldManager }, stepSignal()));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(ends.length, watches, 'stopped: no watch after abort');
  assert.equal(reflector.get(ns, 'e'), undefined);
});
