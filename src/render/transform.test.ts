import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../core/index.ts';
import { Labels } from '../core/index.ts';
import type { IsNamespaced } from './scope.ts';
import { transformObjects } from './transform.ts';
import type { RenderedObject } from './types.ts';

const rendered = (object: KubeObject, line = 1): RenderedObject => ({
  object,
  source: { path: 'apps/all.yaml', line },
});
const obj = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: namespace === undefined ? { name } : { name, namespace },
});
const unknown: IsNamespaced = () => undefined;

const widgetCrd: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: { group: 'example.com', scope: 'Cluster', names: { kind: 'Widget', plural: 'widgets' } },
};

const cases: {
  name: string;
  input: KubeObject[];
  targetNamespace?: string;
  isNamespaced?: IsNamespaced;
  /** namespace of each output object ('' for none). */
  want: string[];
}[] = [
  {
    name: 'targetNamespace moves namespaced objects, written namespace or not',
    input: [obj('v1', 'ConfigMap', 'a'), obj('apps/v1', 'Deployment', 'web', 'elsewhere')],
    targetNamespace: 'team',
    want: ['team', 'team'],
  },
  {
    name: 'cluster-scoped kinds from the built-in table keep no namespace',
    input: [
      obj('v1', 'Namespace', 'team'),
      obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader', 'stray'),
      obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'x.example.com'),
      obj('storage.k8s.io/v1', 'StorageClass', 'fast'),
    ],
    targetNamespace: 'team',
    want: ['', '', '', ''],
  },
  {
    name: 'without targetNamespace the written namespace stays',
    input: [obj('v1', 'ConfigMap', 'a', 'mine'), obj('v1', 'Namespace', 'b')],
    want: ['mine', ''],
  },
  {
    name: 'a custom kind is cluster-scoped when a CRD in the same render says so',
    input: [
      widgetCrd,
      obj('example.com/v1', 'Widget', 'w', 'team'),
      obj('other.com/v1', 'Widget', 'x'),
    ],
    targetNamespace: 'team',
    want: ['', '', 'team'],
  },
  {
    name: 'the cluster (isNamespaced) wins over the table and the CRDs',
    input: [widgetCrd, obj('example.com/v1', 'Widget', 'w'), obj('v1', 'Namespace', 'odd')],
    targetNamespace: 'team',
    isNamespaced: (_apiVersion, kind) => (kind === 'CustomResourceDefinition' ? false : true),
    want: ['', 'team', 'team'],
  },
];

for (const c of cases) {
  void test(`transformObjects: ${c.name}`, () => {
    const out = transformObjects(
      c.input.map((o) => rendered(o)),
      {
        targetNamespace: c.targetNamespace,
        syncName: 'apps',
        syncNamespace: 'moor-system',
        isNamespaced: c.isNamespaced ?? unknown,
      },
    );
    assert.ok(out.ok, out.ok ? '' : out.error.message);
    assert.deepEqual(
      out.value.map((r) => r.object.metadata.namespace ?? ''),
      c.want,
    );
  });
}

test('transformObjects refuses a namespaced object left without a namespace, naming it', () => {
  const out = transformObjects(
    [rendered(obj('v1', 'Namespace', 'team')), rendered(obj('apps/v1', 'Deployment', 'web'), 7)],
    { syncName: 'apps', syncNamespace: 'moor-system', isNamespaced: unknown },
  );
  assert.equal(out.ok, false);
  if (out.ok) return;
  assert.equal(out.error.code, 'NamespaceMissing');
  assert.equal(
    out.error.message,
    "apps/all.yaml:7: Deployment.apps/web has no namespace: set metadata.namespace or the Sync's spec.targetNamespace",
  );
});

test('transformObjects labels every object with the Sync and keeps its own labels', () => {
  const input = [
    rendered(
      {
        ...obj('v1', 'ConfigMap', 'a'),
        metadata: { name: 'a', namespace: 'x', labels: { app: 'web' } },
      },
      3,
    ),
    rendered(obj('v1', 'Namespace', 'team'), 9),
  ];
  const result = transformObjects(input, {
    syncName: 'apps',
    syncNamespace: 'moor-system',
    isNamespaced: unknown,
  });
  assert.ok(result.ok);
  const out = result.value;
  assert.deepEqual(out[0]?.object.metadata.labels, {
    app: 'web',
    [Labels.syncName]: 'apps',
    [Labels.syncNamespace]: 'moor-system',
  });
  assert.deepEqual(out[1]?.object.metadata.labels, {
    [Labels.syncName]: 'apps',
    [Labels.syncNamespace]: 'moor-system',
  });
  assert.deepEqual(
    out.map((r) => r.source),
    input.map((r) => r.source),
  );
});

test('transformObjects leaves its input untouched', () => {
  const input = [
    rendered({
      ...obj('v1', 'ConfigMap', 'a', 'x'),
      metadata: { name: 'a', namespace: 'x', labels: { app: 'web' } },
    }),
  ];
  const before = structuredClone(input);
  transformObjects(input, {
    targetNamespace: 'team',
    syncName: 'apps',
    syncNamespace: 'moor-system',
    isNamespaced: unknown,
  });
  assert.deepEqual(input, before);
});
