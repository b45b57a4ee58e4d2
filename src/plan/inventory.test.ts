import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { InventoryEntry } from './index.ts';
import { diffInventory, inventoryEntryOf } from './index.ts';

test('inventoryEntryOf records group, kind, namespace, name and version', () => {
  assert.deepEqual(
    inventoryEntryOf({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'prod' },
    }),
    { group: 'apps', kind: 'Deployment', namespace: 'prod', name: 'web', version: 'v1' },
  );
  assert.deepEqual(
    inventoryEntryOf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } }),
    { group: '', kind: 'Namespace', namespace: '', name: 'prod', version: 'v1' },
  );
});

const e = (kind: string, name: string, version = 'v1', namespace = 'prod'): InventoryEntry => ({
  group: '',
  kind,
  namespace,
  name,
  version,
});

const cases: {
  name: string;
  previous: InventoryEntry[];
  next: InventoryEntry[];
  added: InventoryEntry[];
  removed: InventoryEntry[];
}[] = [
  {
    name: 'an object added and one removed',
    previous: [e('ConfigMap', 'a'), e('Secret', 'b')],
    next: [e('ConfigMap', 'a'), e('Service', 'c')],
    added: [e('Service', 'c')],
    removed: [e('Secret', 'b')],
  },
  {
    name: 'a version change is no change',
    previous: [e('ConfigMap', 'a', 'v1')],
    next: [e('ConfigMap', 'a', 'v2')],
    added: [],
    removed: [],
  },
  {
    name: 'the same name in another namespace is another object',
    previous: [e('ConfigMap', 'a', 'v1', 'one')],
    next: [e('ConfigMap', 'a', 'v1', 'two')],
    added: [e('ConfigMap', 'a', 'v1', 'two')],
    removed: [e('ConfigMap', 'a', 'v1', 'one')],
  },
  {
    name: 'from nothing',
    previous: [],
    next: [e('ConfigMap', 'a')],
    added: [e('ConfigMap', 'a')],
    removed: [],
  },
];
for (const c of cases) {
  void test(`diffInventory: ${c.name}`, () => {
    assert.deepEqual(diffInventory(c.previous, c.next), { added: c.added, removed: c.removed });
  });
}

const arbEntry = fc.record(
  {
    group: fc.constantFrom('', 'apps', 'example.com'),
    kind: fc.constantFrom('ConfigMap', 'Deployment', 'Widget'),
    namespace: fc.constantFrom('', 'a', 'b'),
    name: fc.constantFrom('x', 'y'),
    version: fc.constantFrom('v1', 'v2'),
  },
  { noNullPrototype: true },
);

test('diffInventory(a, a) is empty', () => {
  fc.assert(
    fc.property(fc.array(arbEntry), (a) => {
      assert.deepEqual(diffInventory(a, a), { added: [], removed: [] });
    }),
  );
});

test('diffInventory(a, b) swaps added and removed when the arguments swap', () => {
  fc.assert(
    fc.property(fc.array(arbEntry), fc.array(arbEntry), (a, b) => {
      const forward = diffInventory(a, b);
      const backward = diffInventory(b, a);
      assert.deepEqual(forward.added, backward.removed);
      assert.deepEqual(forward.removed, backward.added);
    }),
  );
});
