import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatObjectId } from '../core/index.ts';
import { planTeardown, type InventoryEntry } from './index.ts';

const e = (group: string, kind: string, name: string, namespace = ''): InventoryEntry => ({
  group,
  kind,
  name,
  namespace,
  version: 'v1',
});
const names = (waves: InventoryEntry[][]) => waves.map((w) => w.map((x) => formatObjectId(x)));

test('planTeardown: contents first in reverse apply order, then Namespaces, CRDs last', () => {
  const inventory = [
    e('apiextensions.k8s.io', 'CustomResourceDefinition', 'widgets.example.com'),
    e('', 'Namespace', 'prod'),
    e('rbac.authorization.k8s.io', 'ClusterRole', 'reader'),
    e('rbac.authorization.k8s.io', 'ClusterRoleBinding', 'reader'),
    e('', 'ConfigMap', 'a', 'prod'),
    e('apps', 'Deployment', 'web', 'prod'),
    e('example.com', 'Widget', 'blue', 'prod'),
    e('admissionregistration.k8s.io', 'ValidatingWebhookConfiguration', 'guard'),
  ];
  assert.deepEqual(names(planTeardown(inventory)), [
    [
      'ValidatingWebhookConfiguration.admissionregistration.k8s.io/guard',
      'Widget.example.com/prod/blue',
      'Deployment.apps/prod/web',
      'ConfigMap/prod/a',
      'ClusterRoleBinding.rbac.authorization.k8s.io/reader',
    ],
    ['ClusterRole.rbac.authorization.k8s.io/reader', 'Namespace/prod'],
    ['CustomResourceDefinition.apiextensions.k8s.io/widgets.example.com'],
  ]);
});

test('planTeardown: empty waves are left out; an empty inventory has none', () => {
  assert.deepEqual(planTeardown([]), []);
  assert.deepEqual(names(planTeardown([e('', 'Namespace', 'a'), e('', 'ConfigMap', 'c', 'a')])), [
    ['ConfigMap/a/c'],
    ['Namespace/a'],
  ]);
});
