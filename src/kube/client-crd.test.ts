// Custom resources: discovery of a kind that did not exist a moment ago, status, merge patches.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Annotations, FIELD_MANAGER, type KubeObject } from '../core/index.ts';

import { clusterTest as test, testNamespace } from '../../test/helpers/cluster.ts';
import { eventually, must, stepSignal, testClient } from './test-helpers.ts';

const fieldManager = FIELD_MANAGER;

function widgetCrd(group: string): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      names: { kind: 'Widget', listKind: 'WidgetList', plural: 'widgets', singular: 'widget' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    size: { type: 'integer', minimum: 1 },
                    suspend: { type: 'boolean' },
                  },
                },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}

test('a CRD applied becomes Established, then its custom resources apply, patch and report status', async (t) => {
  const ns = await testNamespace(t, 'kube-crd');
  const kube = testClient();
  const group = `w${randomBytes(3).toString('hex')}.kube-test.moor.dev`;
  const apiVersion = `${group}/v1`;
  const crdRef = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    name: `widgets.${group}`,
  };
  t.after(() => kube.delete(crdRef, {}, stepSignal()));

  const unknown = await kube.resolveKind(apiVersion, 'Widget', stepSignal());
  assert.equal(!unknown.ok && unknown.error.code, 'UnknownKind');
  assert.match(
    !unknown.ok ? unknown.error.message : '',
    new RegExp(`Widget.*${apiVersion}.*CustomResourceDefinition`),
  );

  must(await kube.apply(widgetCrd(group), { fieldManager }, stepSignal()));
  await eventually('the Widget CRD to be Established', async () => {
    const crd = must(await kube.get(crdRef, stepSignal()));
    const conditions = (
      crd?.status as { conditions?: { type: string; status: string }[] } | undefined
    )?.conditions;
    return conditions?.some((c) => c.type === 'Established' && c.status === 'True')
      ? true
      : undefined;
  });

  // The earlier miss is not remembered: the kind is discovered again. The API server may list a
  // CRD as Established a moment before its discovery document serves the kind, so this asks
  // until it does (a miss that stayed cached would still time out).
  const info = await eventually('discovery to serve Widget', async () => {
    const got = await kube.resolveKind(apiVersion, 'Widget', stepSignal());
    return got.ok ? got.value : undefined;
  });
  assert.deepEqual(info, { group, version: 'v1', resource: 'widgets', namespaced: true });

  // A new resource's watch cache starts now: version 1 is long gone, and the caller must re-list.
  const expired = await kube.watch(
    apiVersion,
    'Widget',
    { resourceVersion: '1' },
    () => undefined,
    stepSignal(),
  );
  assert.equal(!expired.ok && expired.error.code, 'Expired');
  assert.match(
    !expired.ok ? expired.error.message : '',
    new RegExp(
      `^watch Widget\\.${group.replaceAll('.', '\\.')} \\(all namespaces\\): too old resource version`,
    ),
  );

  const widget = {
    apiVersion,
    kind: 'Widget',
    metadata: { name: 'w1', namespace: ns },
    spec: { size: 3 },
  };
  const applied = must(await kube.apply(widget, { fieldManager }, stepSignal()));
  assert.deepEqual(applied.spec, { size: 3 });

  const tooSmall = await kube.apply(
    { ...widget, spec: { size: 0 } },
    { fieldManager },
    stepSignal(),
  );
  assert.equal(!tooSmall.ok && tooSmall.error.code, 'Invalid');
  assert.match(!tooSmall.ok ? tooSmall.error.message : '', /spec\.size/);

  const ref = { apiVersion, kind: 'Widget', namespace: ns, name: 'w1' };
  const status = {
    observedGeneration: 1,
    conditions: [{ type: 'Ready', status: 'True', reason: 'Tested' }],
  };
  const withStatus = must(await kube.patchStatus(ref, status, { fieldManager }, stepSignal()));
  assert.deepEqual(withStatus.status, status);
  assert.deepEqual(withStatus.spec, { size: 3 }, 'a status write leaves the spec alone');

  const patched = must(
    await kube.mergePatch(
      ref,
      {
        metadata: { annotations: { [Annotations.reconcileRequestedAt]: 'now' } },
        spec: { suspend: true },
      },
      stepSignal(),
    ),
  );
  assert.equal(patched.metadata.annotations?.[Annotations.reconcileRequestedAt], 'now');
  assert.deepEqual(patched.spec, { size: 3, suspend: true });

  const listed = must(await kube.list(apiVersion, 'Widget', {}, stepSignal()));
  assert.deepEqual(
    listed.items.map((o) => [o.kind, o.apiVersion, o.metadata.namespace, o.metadata.name]),
    [['Widget', apiVersion, ns, 'w1']],
  );
});

test('an Event is created for an object, and creating it twice is a Conflict', async (t) => {
  const ns = await testNamespace(t, 'kube-event');
  const kube = testClient();
  const event: KubeObject = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'sync-applied.1', namespace: ns },
    involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'settings' },
    reason: 'Converged',
    message: 'applied revision main@sha1:abc',
    type: 'Normal',
    source: { component: 'moor' },
  };
  const created = must(await kube.create(event, stepSignal()));
  assert.equal(created.reason, 'Converged');
  assert.ok(created.metadata.uid);
  const again = await kube.create(event, stepSignal());
  assert.equal(!again.ok && again.error.code, 'Conflict');
  assert.match(
    !again.ok ? again.error.message : '',
    new RegExp(`^create Event/${ns}/sync-applied\\.1: .*already exists`),
  );

  const generated = must(
    await kube.create(
      { ...event, metadata: { generateName: 'sync-', namespace: ns } },
      stepSignal(),
    ),
  );
  assert.match(generated.metadata.name ?? '', /^sync-.+/);
});
