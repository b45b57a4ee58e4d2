import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ConditionTypes,
  setCondition,
  type Condition,
  type KubeObject,
  type Result,
} from '../core/index.ts';
import {
  ApiValidationError,
  parseAlert,
  parseGitRepository,
  parseProvider,
  parseReceiver,
  parseServedSync,
  parseSync,
  syncDefinition,
  type GitRepository,
  type Sync,
} from './index.ts';
import { generateCrd } from './crd.ts';
import { loadObjectCases, type ObjectCase } from './test-cases.ts';

type Parser = (obj: unknown) => Result<{ spec: unknown }, ApiValidationError>;
const parsers: Record<string, Parser> = {
  GitRepository: parseGitRepository,
  Sync: parseSync,
  Provider: parseProvider,
  Alert: parseAlert,
  Receiver: parseReceiver,
};

function parserFor(c: ObjectCase): Parser {
  const parser = parsers[c.parseAs ?? c.object.kind];
  assert.ok(parser, `no parser for ${c.name}`);
  return parser;
}

test('valid objects parse with every default filled in', () => {
  for (const c of loadObjectCases('defaults.yaml')) {
    const result = parserFor(c)(c.object);
    assert.ok(result.ok, `${c.name}: ${result.ok ? '' : result.error.message}`);
    assert.deepEqual(result.value.spec, c.spec, c.name);
  }
});

test('invalid objects are rejected naming the object and each field path', () => {
  for (const c of loadObjectCases('invalid.yaml')) {
    const result = parserFor(c)(c.object);
    assert.equal(result.ok, false, c.name);
    if (result.ok) continue;
    assert.ok(result.error instanceof ApiValidationError, c.name);
    assert.equal(result.error.code, 'InvalidResource');
    assert.equal(result.error.message, c.error, c.name);
    if (c.neverShown) assert.ok(!result.error.message.includes(c.neverShown), c.name);
  }
});

test('the error data lists each issue for programs', () => {
  const result = parseSync({
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name: 'web', namespace: 'prod' },
    spec: { sourceRef: { name: 'app' }, interval: 'soon', drift: { mode: 'Fix' } },
  });
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(
    result.error.data.issues.map((i) => i.path),
    ['spec.interval', 'spec.drift.mode'],
  );
  assert.deepEqual(
    {
      kind: result.error.data.kind,
      namespace: result.error.data.namespace,
      name: result.error.data.name,
    },
    { kind: 'Sync', namespace: 'prod', name: 'web' },
  );
});

test('status written with the core condition helpers parses back unchanged', () => {
  const conditions = setCondition(
    [],
    {
      type: ConditionTypes.Ready,
      status: 'True',
      reason: 'Succeeded',
      message: 'applied main@sha1:abc',
      observedGeneration: 4,
    },
    new Date('2024-05-01T12:03:00Z'),
  );
  const status = {
    conditions,
    observedGeneration: 4,
    lastAppliedRevision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
    inventory: {
      entries: [
        { group: 'apps', kind: 'Deployment', namespace: 'prod', name: 'web', version: 'v1' },
      ],
    },
    drift: {
      since: '2024-05-01T12:03:00Z',
      objects: [
        {
          group: 'apps',
          kind: 'Deployment',
          namespace: 'prod',
          name: 'web',
          fields: [
            {
              path: 'spec.replicas',
              manager: 'kubectl-edit',
              since: '2024-05-01T12:03:00Z',
              desired: '2',
              live: '5',
            },
          ],
        },
      ],
    },
    history: [
      {
        revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
        startedAt: '2024-05-01T12:02:58Z',
        finishedAt: '2024-05-01T12:03:00Z',
        result: 'Succeeded',
        created: 1,
        configured: 0,
        deleted: 0,
        durationMs: 2000,
      },
    ],
  };
  const result = parseSync({
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name: 'web', namespace: 'prod' },
    spec: { sourceRef: { name: 'app' } },
    status,
  });
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  assert.deepEqual(result.value.status, status);
});

test('inventory and drift entries default group and namespace to empty for core and cluster-scoped objects', () => {
  const result = parseSync({
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name: 'web', namespace: 'prod' },
    spec: { sourceRef: { name: 'app' } },
    status: { inventory: { entries: [{ kind: 'Namespace', name: 'web', version: 'v1' }] } },
  });
  assert.ok(result.ok);
  assert.deepEqual(result.value.status?.inventory?.entries, [
    { group: '', kind: 'Namespace', namespace: '', name: 'web', version: 'v1' },
  ]);
});

// Compile-time: resources are KubeObjects, and status conditions are core Conditions both ways.
const _asKubeObject = (o: Sync | GitRepository): KubeObject => o;
const _toCondition = (s: Sync): Condition[] => s.status?.conditions ?? [];
const _fromCondition = (c: Condition[]): NonNullable<Sync['status']> => ({ conditions: c });

test('a served Sync parses its spec and metadata as parseSync does and keeps its status as served', () => {
  const syncCases = (file: 'defaults.yaml' | 'invalid.yaml') =>
    loadObjectCases(file).filter((c) => (c.parseAs ?? c.object.kind) === 'Sync');
  // A bad status is the API server's to refuse (the CRD), so served parsing leaves it alone.
  const badStatus = (c: ObjectCase) => (c.error ?? '').includes(': status');
  const cases = [...syncCases('defaults.yaml'), ...syncCases('invalid.yaml')];
  assert.ok(cases.some(badStatus), 'the table has a case with a bad status');
  for (const c of cases) {
    if (badStatus(c)) {
      assert.ok(parseServedSync(c.object).ok, c.name);
      continue;
    }
    const whole = parseSync(c.object);
    const served = parseServedSync(c.object);
    assert.equal(served.ok, whole.ok, c.name);
    if (whole.ok && served.ok) assert.deepEqual(served.value, whole.value, c.name);
    if (!whole.ok && !served.ok) assert.equal(served.error.message, whole.error.message, c.name);
  }
  const status = {
    lastAppliedRevision: 'main@sha1:abc',
    inventory: {
      entries: [{ group: '', kind: 'ConfigMap', namespace: 'a', name: 'b', version: 'v1' }],
    },
  };
  const obj = {
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name: 's', namespace: 'n' },
    spec: { sourceRef: { name: 'repo' } },
    status,
  };
  const served = parseServedSync(obj);
  assert.ok(served.ok);
  assert.deepEqual(served.value.status, status);
  assert.deepEqual(served.value.spec, (parseSync(obj) as { value: Sync }).value.spec);
  // Not an object: still refused, naming the field.
  const bad = parseServedSync({ ...obj, status: 'x' });
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.error.message, /status/);
});

test("the CRD defaults what parseSync would fill in a Sync's status, so the served status needs no parse", () => {
  type Node = { default?: unknown; properties?: Record<string, Node>; items?: Node };
  const crd = generateCrd(syncDefinition) as unknown as {
    spec: { versions: { subresources?: { status?: object }; schema: { openAPIV3Schema: Node } }[] };
  };
  const version = crd.spec.versions[0];
  const status = version?.schema.openAPIV3Schema.properties?.status;
  const entry = status?.properties?.inventory?.properties?.entries?.items;
  assert.equal(entry?.properties?.group?.default, '');
  assert.equal(entry?.properties?.namespace?.default, '');
  assert.ok(version?.subresources?.status, 'status is a subresource the API server validates');
});
