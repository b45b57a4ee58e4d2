import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { z } from 'zod';
import { generateCrds, toStructuralSchema, type StructuralSchema } from './index.ts';

type Crd = {
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: { kind: string; plural: string; shortNames?: string[]; categories: string[] };
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      subresources: { status: object };
      additionalPrinterColumns: Array<{ name: string; jsonPath: string; priority?: number }>;
      schema: { openAPIV3Schema: StructuralSchema };
    }>;
  };
};

const crds = (): Crd[] => generateCrds() as unknown as Crd[];

function versionOf(crd: Crd) {
  const version = crd.spec.versions[0];
  assert.ok(version);
  return version;
}

/** Visits every schema node with its path. */
function walk(
  node: StructuralSchema,
  path: string,
  visit: (node: StructuralSchema, path: string) => void,
): void {
  visit(node, path);
  for (const [name, child] of Object.entries(node.properties ?? {}))
    walk(child, `${path}.${name}`, visit);
  if (node.items) walk(node.items, `${path}[]`, visit);
  if (node.additionalProperties) walk(node.additionalProperties, `${path}.*`, visit);
}

test('CRD generation is deterministic', () => {
  assert.equal(stringify(generateCrds()), stringify(generateCrds()));
  assert.equal(JSON.stringify(generateCrds()), JSON.stringify(generateCrds()));
});

test('one CRD per resource, served and stored as moor.dev/v1alpha1 with a status subresource', () => {
  const all = crds();
  assert.deepEqual(
    all.map((c) => c.metadata.name),
    [
      'gitrepositories.moor.dev',
      'syncs.moor.dev',
      'providers.moor.dev',
      'alerts.moor.dev',
      'receivers.moor.dev',
      'helmrepositories.moor.dev',
      'imagerepositories.moor.dev',
      'imagepolicies.moor.dev',
      'imageupdateautomations.moor.dev',
      'synchistories.moor.dev',
    ],
  );
  for (const crd of all) {
    const version = versionOf(crd);
    assert.equal(crd.spec.group, 'moor.dev');
    assert.equal(crd.spec.scope, 'Namespaced');
    assert.deepEqual(crd.spec.names.categories, ['moor']);
    assert.equal(version.name, 'v1alpha1');
    assert.equal(version.served && version.storage, true);
    assert.deepEqual(version.subresources, { status: {} });
  }
  assert.deepEqual(all[0]?.spec.names.shortNames, ['gitrepo']);
});

test('kubectl get shows ready, message, revision and age', () => {
  const columns = (crd: Crd | undefined) =>
    crd
      ? versionOf(crd)
          .additionalPrinterColumns.filter((c) => !c.priority)
          .map((c) => c.name)
      : [];
  const [gitRepository, sync] = crds();
  assert.deepEqual(columns(gitRepository), ['URL', 'Ready', 'Status', 'Revision', 'Age']);
  assert.deepEqual(columns(sync), ['Ready', 'Status', 'Revision', 'Age']);
  const revision =
    sync && versionOf(sync).additionalPrinterColumns.find((c) => c.name === 'Revision');
  assert.equal(revision?.jsonPath, '.status.lastAppliedRevision');
});

test('every schema node is structural: a type, no $ref or combinators, no open objects', () => {
  const allowed = new Set([
    'description',
    'type',
    'format',
    'enum',
    'default',
    'pattern',
    'minLength',
    'maxLength',
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'minItems',
    'maxItems',
    'properties',
    'additionalProperties',
    'items',
    'required',
  ]);
  for (const crd of crds()) {
    walk(versionOf(crd).schema.openAPIV3Schema, crd.spec.names.kind, (node, path) => {
      assert.ok(node.type, `${path} has no type`);
      for (const key of Object.keys(node)) {
        assert.ok(allowed.has(key) || key.startsWith('x-kubernetes-'), `${path} has ${key}`);
      }
      assert.ok(
        !(node.properties && node.additionalProperties),
        `${path} mixes properties and additionalProperties`,
      );
      for (const name of node.required ?? [])
        assert.ok(node.properties?.[name], `${path} requires unknown ${name}`);
      if (node.type === 'integer')
        assert.equal(node.maximum, undefined, `${path} keeps zod's safe-integer bound`);
    });
  }
});

test('status is never required and nothing in it is required at its top', () => {
  for (const crd of crds()) {
    const root = versionOf(crd).schema.openAPIV3Schema;
    assert.deepEqual(root.required, ['spec'], crd.metadata.name);
    assert.equal(root.properties?.status?.required, undefined, crd.metadata.name);
  }
});

test('conditions are a list-map keyed by type, shaped like metav1.Condition', () => {
  for (const crd of crds()) {
    const conditions =
      versionOf(crd).schema.openAPIV3Schema.properties?.status?.properties?.conditions;
    assert.ok(conditions, crd.metadata.name);
    assert.equal(conditions['x-kubernetes-list-type'], 'map');
    assert.deepEqual(conditions['x-kubernetes-list-map-keys'], ['type']);
    assert.deepEqual(conditions.items?.required, [
      'type',
      'status',
      'reason',
      'message',
      'lastTransitionTime',
    ]);
    assert.equal(conditions.items?.properties?.lastTransitionTime?.format, 'date-time');
    assert.equal(conditions.items?.properties?.lastTransitionTime?.pattern, undefined);
  }
});

/** The schema node at a dotted path below a CRD's openAPIV3Schema: `spec.drift.mode`. */
function nodeAt(crd: Crd | undefined, path: string): StructuralSchema | undefined {
  let node: StructuralSchema | undefined = crd && versionOf(crd).schema.openAPIV3Schema;
  for (const name of path.split('.')) node = node?.properties?.[name];
  return node;
}

test('defaults in the CRD match the contract', () => {
  const [gitRepository, sync] = crds();
  const cases: ReadonlyArray<readonly [Crd | undefined, string, unknown]> = [
    [gitRepository, 'spec.interval', '1m'],
    [gitRepository, 'spec.timeout', '60s'],
    [gitRepository, 'spec.suspend', false],
    [sync, 'spec.sourceRef.kind', 'GitRepository'],
    [sync, 'spec.path', './'],
    [sync, 'spec.interval', '10m'],
    [sync, 'spec.prune', false],
    [sync, 'spec.wait', false],
    [sync, 'spec.drift', {}],
    [sync, 'spec.drift.mode', 'Correct'],
    [sync, 'spec.drift.alertAfter', '5m'],
    [sync, 'spec.rollback.onHealthFailure', false],
  ];
  for (const [crd, path, value] of cases) {
    assert.deepEqual(nodeAt(crd, path)?.default, value, `${crd?.spec.names.kind} ${path}`);
  }
  assert.deepEqual(nodeAt(sync, 'spec.drift.mode')?.enum, ['Correct', 'Alert', 'Ignore']);
  assert.ok(nodeAt(gitRepository, 'spec.ref')?.['x-kubernetes-validations']);
});

test('schemas Kubernetes cannot express are refused, naming the field', () => {
  const cases: ReadonlyArray<readonly [z.ZodType, RegExp]> = [
    [z.object({ a: z.union([z.string(), z.number()]) }), /at \.a: .*"anyOf"/],
    [z.object({ a: z.any() }), /at \.a: every node needs one type/],
    [z.object({ a: z.string().nullable() }), /at \.a: .*"nullable"/],
    [
      z.object({ a: z.looseObject({ b: z.string() }) }),
      /at \.a: properties and additionalProperties/,
    ],
  ];
  for (const [schema, message] of cases) {
    assert.throws(() => toStructuralSchema(schema), message);
  }
  assert.deepEqual(toStructuralSchema(z.record(z.string(), z.int())), {
    type: 'object',
    additionalProperties: { type: 'integer', format: 'int64' },
  });
});
