import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { KubeObject } from '../core/index.ts';
import { formatObjectId, objectIdOf } from '../core/index.ts';
import type { InventoryEntry } from './index.ts';
import { inventoryEntryOf, planChangeSet } from './index.ts';

const obj = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: namespace === undefined ? { name } : { name, namespace },
});
const names = (stage: readonly KubeObject[]) => stage.map((o) => formatObjectId(objectIdOf(o)));
const entryNames = (entries: readonly InventoryEntry[]) => entries.map((e) => formatObjectId(e));

const app = [
  obj('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'guard'),
  obj('apps/v1', 'Deployment', 'web', 'prod'),
  obj('example.com/v1', 'Widget', 'blue', 'prod'),
  obj('v1', 'Service', 'web', 'prod'),
  obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'reader'),
  obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader'),
  obj('v1', 'ConfigMap', 'b', 'prod'),
  obj('v1', 'ConfigMap', 'a', 'prod'),
  obj('v1', 'ConfigMap', 'a', 'dev'),
  obj('v1', 'ServiceAccount', 'web', 'prod'),
  obj('v1', 'Namespace', 'prod'),
  obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
  obj('batch/v1', 'Job', 'migrate', 'prod'),
  obj('v1', 'Namespace', 'dev'),
];

test('planChangeSet applies cluster definitions first, then the rest in kind order', () => {
  const plan = planChangeSet({ desired: app, inventory: [], prune: true });
  assert.deepEqual(plan.stages.map(names), [
    [
      'CustomResourceDefinition.apiextensions.k8s.io/widgets.example.com',
      'Namespace/dev',
      'Namespace/prod',
      'ClusterRole.rbac.authorization.k8s.io/reader',
    ],
    [
      'ServiceAccount/prod/web',
      'ClusterRoleBinding.rbac.authorization.k8s.io/reader',
      'ConfigMap/dev/a',
      'ConfigMap/prod/a',
      'ConfigMap/prod/b',
      'Service/prod/web',
      'Deployment.apps/prod/web',
      'Job.batch/prod/migrate',
      'Widget.example.com/prod/blue',
      'ValidatingWebhookConfiguration.admissionregistration.k8s.io/guard',
    ],
  ]);
  assert.deepEqual(plan.prune, []);
});

test('planChangeSet leaves out empty stages', () => {
  const plan = planChangeSet({
    desired: [obj('v1', 'ConfigMap', 'a', 'x')],
    inventory: [],
    prune: false,
  });
  assert.deepEqual(plan.stages.map(names), [['ConfigMap/x/a']]);
  assert.deepEqual(planChangeSet({ desired: [], inventory: [], prune: false }).stages, []);
});

test('planChangeSet takes rendered objects ({ object, source }) as well', () => {
  const plan = planChangeSet({
    desired: [{ object: obj('v1', 'ConfigMap', 'a', 'x'), source: { path: 'a.yaml', line: 1 } }],
    inventory: [],
    prune: false,
  });
  assert.deepEqual(plan.stages.map(names), [['ConfigMap/x/a']]);
});

const previous: InventoryEntry[] = [
  { group: '', kind: 'Namespace', namespace: '', name: 'old', version: 'v1' },
  { group: 'apps', kind: 'Deployment', namespace: 'prod', name: 'web', version: 'v1' },
  {
    group: 'apiextensions.k8s.io',
    kind: 'CustomResourceDefinition',
    namespace: '',
    name: 'gadgets.example.com',
    version: 'v1',
  },
  { group: '', kind: 'ConfigMap', namespace: 'old', name: 'settings', version: 'v1' },
  { group: 'example.com', kind: 'Gadget', namespace: 'old', name: 'g', version: 'v1' },
  {
    group: 'admissionregistration.k8s.io',
    kind: 'MutatingWebhookConfiguration',
    namespace: '',
    name: 'inject',
    version: 'v1',
  },
  { group: '', kind: 'Service', namespace: 'prod', name: 'web', version: 'v1' },
];

test('planChangeSet prunes what is no longer desired, webhooks first, namespaces and CRDs last', () => {
  const plan = planChangeSet({ desired: app, inventory: previous, prune: true });
  assert.deepEqual(entryNames(plan.prune), [
    'MutatingWebhookConfiguration.admissionregistration.k8s.io/inject',
    'Gadget.example.com/old/g',
    'ConfigMap/old/settings',
    'Namespace/old',
    'CustomResourceDefinition.apiextensions.k8s.io/gadgets.example.com',
  ]);
});

test('planChangeSet prunes nothing when prune is off', () => {
  const plan = planChangeSet({ desired: app, inventory: previous, prune: false });
  assert.deepEqual(plan.prune, []);
});

test('planChangeSet does not prune an object still desired under another version', () => {
  const plan = planChangeSet({
    desired: [obj('autoscaling/v2', 'HorizontalPodAutoscaler', 'web', 'prod')],
    inventory: [
      {
        group: 'autoscaling',
        kind: 'HorizontalPodAutoscaler',
        namespace: 'prod',
        name: 'web',
        version: 'v1',
      },
    ],
    prune: true,
  });
  assert.deepEqual(plan.prune, []);
});

const kinds = [
  ['v1', 'Namespace'],
  ['v1', 'ConfigMap'],
  ['v1', 'Secret'],
  ['apps/v1', 'Deployment'],
  ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'],
  ['example.com/v1', 'Widget'],
  ['other.io/v1', 'Widget'],
  ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'],
] as const;
const arbObject = fc
  .record({
    kind: fc.constantFrom(...kinds),
    namespace: fc.constantFrom('', 'a', 'b'),
    name: fc.constantFrom('x', 'y', 'z'),
  })
  .map(({ kind, namespace, name }) => obj(kind[0], kind[1], name, namespace || undefined));
const arbObjects = fc.uniqueArray(arbObject, {
  selector: (o) => formatObjectId(objectIdOf(o)),
  maxLength: 20,
});

test('planChangeSet: the same objects and inventory in any order give the same plan', () => {
  fc.assert(
    fc.property(
      arbObjects,
      arbObjects,
      fc.boolean(),
      fc.infiniteStream(fc.nat()),
      (desired, applied, prune, seeds) => {
        const inventory = applied.map(inventoryEntryOf);
        const shuffle = <T>(items: readonly T[]): T[] =>
          items
            .map((item) => ({ item, key: seeds.next().value as number }))
            .sort((a, b) => a.key - b.key)
            .map((x) => x.item);
        const a = planChangeSet({ desired, inventory, prune });
        const b = planChangeSet({
          desired: shuffle(desired),
          inventory: shuffle(inventory),
          prune,
        });
        assert.deepEqual(b, a);
      },
    ),
  );
});

test('planChangeSet: every desired object is applied once, and nothing desired is pruned', () => {
  fc.assert(
    fc.property(arbObjects, arbObjects, (desired, applied) => {
      const plan = planChangeSet({
        desired,
        inventory: applied.map(inventoryEntryOf),
        prune: true,
      });
      const planned = plan.stages.flat();
      assert.equal(planned.length, desired.length);
      assert.deepEqual(new Set(planned), new Set(desired));
      const desiredIds = new Set(desired.map((o) => formatObjectId(objectIdOf(o))));
      for (const entry of plan.prune) assert.ok(!desiredIds.has(formatObjectId(entry)));
      const kept = applied.filter((o) => desiredIds.has(formatObjectId(objectIdOf(o))));
      assert.equal(plan.prune.length, applied.length - kept.length);
    }),
  );
});
