// Drift of real objects: fixtures are desired/live pairs captured from kube-apiserver 1.36.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import type { KubeObject } from '../core/index.ts';
import { diffObject, matchesDesired, type ObjectDrift } from './index.ts';

type Fixture = { desired: KubeObject; live: KubeObject | null };

function loadFixture(name: string): Fixture {
  return parse(readFileSync(new URL(`testdata/${name}.yaml`, import.meta.url), 'utf8')) as Fixture;
}

const web = (name: string) => ({ group: 'apps', kind: 'Deployment', namespace: 'drift-fx', name });

const cases: ReadonlyArray<{ fixture: string; want: ObjectDrift | undefined }> = [
  { fixture: 'in-sync-defaulted', want: undefined },
  { fixture: 'service-in-sync', want: undefined },
  { fixture: 'quantities', want: undefined },
  { fixture: 'annotation-added', want: undefined },
  {
    // kube-apiserver writes no `time` on entries made through the scale subresource.
    fixture: 'replicas-kubectl-scale',
    want: {
      ...web('web-scale'),
      fields: [{ path: 'spec.replicas', manager: 'kubectl', desired: '2', live: '5' }],
    },
  },
  {
    fixture: 'replicas-kubectl-edit',
    want: {
      ...web('web-edit'),
      fields: [
        {
          path: 'spec.replicas',
          manager: 'kubectl-edit',
          since: '2026-11-26T21:48:17Z',
          desired: '2',
          live: '4',
        },
      ],
    },
  },
  {
    fixture: 'image-one-of-two',
    want: {
      ...web('web-image'),
      fields: [
        {
          path: 'spec.template.spec.containers[name=sidecar].image',
          manager: 'kubectl-set',
          since: '2026-11-26T21:48:19Z',
          desired: '"busybox:1.36"',
          live: '"busybox:1.37"',
        },
      ],
    },
  },
  {
    // Removing a field leaves no managedFields entry behind: nobody owns what is gone.
    fixture: 'env-removed',
    want: {
      ...web('web-env'),
      fields: [
        {
          path: 'spec.template.spec.containers[name=web].env[name=LEVEL]',
          desired: '{"name":"LEVEL","value":"info"}',
        },
      ],
    },
  },
  {
    fixture: 'label-changed',
    want: {
      ...web('web-label'),
      fields: [
        {
          path: 'metadata.labels.app',
          manager: 'kubectl-label',
          since: '2026-11-26T21:48:23Z',
          desired: '"web"',
          live: '"web2"',
        },
      ],
    },
  },
  {
    fixture: 'quantity-changed',
    want: {
      ...web('quant2'),
      fields: [
        {
          path: 'spec.template.spec.containers[name=app].resources.limits.cpu',
          manager: 'kubectl-set',
          since: '2026-11-26T21:48:28Z',
          desired: '1',
          live: '"2"',
        },
      ],
    },
  },
  {
    fixture: 'configmap-data-changed',
    want: {
      group: '',
      kind: 'ConfigMap',
      namespace: 'drift-fx',
      name: 'settings',
      fields: [
        {
          path: 'data.greeting',
          manager: 'ops-script',
          since: '2026-11-26T21:48:33Z',
          desired: '"hello"',
          live: '"bonjour"',
        },
      ],
    },
  },
  {
    fixture: 'secret-data-changed',
    want: {
      group: '',
      kind: 'Secret',
      namespace: 'drift-fx',
      name: 'creds',
      fields: [{ path: 'data.password', manager: 'kubectl-patch', since: '2026-11-26T21:48:30Z' }],
    },
  },
  { fixture: 'deleted', want: { ...web('web-gone'), deleted: true } },
];

for (const c of cases) {
  test(`diffObject: ${c.fixture}`, () => {
    const { desired, live } = loadFixture(c.fixture);
    assert.deepEqual(diffObject(desired, live ?? undefined), c.want);
    assert.equal(matchesDesired(desired, live ?? undefined), c.want === undefined);
  });
}

test('a Secret diff shows no value, in plain text or base64, for any path', () => {
  const { desired, live } = loadFixture('secret-data-changed');
  const secretValues = ['hunter2', 'admin', 's3cr3t-new', 'changed', 'extra-value'];
  const changedLive: KubeObject = {
    ...structuredClone(live as KubeObject),
    type: 'kubernetes.io/basic-auth',
    data: { user: Buffer.from('changed').toString('base64') },
  };
  const desiredWithData: KubeObject = {
    ...desired,
    data: { token: Buffer.from('extra-value').toString('base64') },
  };
  const drift = diffObject(desiredWithData, changedLive);
  assert.deepEqual(
    drift?.fields?.map((f) => f.path),
    ['data.password', 'data.token', 'data.user', 'type'],
  );
  const text = JSON.stringify(drift);
  for (const v of secretValues) {
    assert.ok(!text.includes(v), `shows ${v}`);
    assert.ok(!text.includes(Buffer.from(v).toString('base64')), `shows base64 of ${v}`);
  }
  assert.ok(drift?.fields?.every((f) => f.desired === undefined && f.live === undefined));
});

test('a Secret whose stringData matches the live data is in sync', () => {
  const { desired, live } = loadFixture('secret-data-changed');
  const synced: KubeObject = {
    ...(live as KubeObject),
    data: { user: 'YWRtaW4=', password: 'aHVudGVyMg==' },
  };
  assert.equal(diffObject(desired, synced), undefined);
});

const cm = (data: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'n', ...extra },
  data,
});

test('long values are cut to 200 characters; odd keys are quoted in paths', () => {
  const drift = diffObject(
    cm({ 'config.yaml': 'x'.repeat(500) }, { labels: { 'moor.dev/tier': 'a' } }),
    cm({ 'config.yaml': 'y'.repeat(500) }, { labels: { 'moor.dev/tier': 'b' } }),
  );
  const [data, label] = drift?.fields ?? [];
  assert.equal(data?.path, 'data["config.yaml"]');
  assert.equal(data?.desired?.length, 200);
  assert.ok(data?.desired?.endsWith('…'));
  assert.equal(label?.path, 'metadata.labels["moor.dev/tier"]');
});

const pod = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'n' },
  spec,
});

test('lists: keyed items match in any order, unkeyed lists compare whole', () => {
  const containers = [
    {
      name: 'a',
      image: 'x:1',
      ports: [{ name: 'http', containerPort: 80 }],
      volumeMounts: [{ name: 'v', mountPath: '/v' }],
      args: ['--one', '--two'],
    },
    { name: 'b', image: 'y:1' },
  ];
  const liveContainers = [
    { name: 'b', image: 'y:1', imagePullPolicy: 'IfNotPresent' },
    {
      name: 'a',
      image: 'x:1',
      ports: [{ name: 'http', containerPort: 81, protocol: 'TCP' }],
      volumeMounts: [{ name: 'w', mountPath: '/v' }],
      args: ['--two', '--one'],
    },
  ];
  const tolerations = [{ key: 'k', operator: 'Exists' }];
  const drift = diffObject(
    pod({ containers, tolerations }),
    pod({ containers: liveContainers, tolerations: [{ key: 'k', operator: 'Equal' }] }),
  );
  assert.deepEqual(
    drift?.fields?.map((f) => [f.path, f.live]),
    [
      ['spec.containers[name=a].args', '["--two","--one"]'],
      ['spec.containers[name=a].ports[name=http].containerPort', '81'],
      ['spec.containers[name=a].volumeMounts[mountPath=/v].name', '"w"'],
      ['spec.tolerations', '[{"key":"k","operator":"Equal"}]'],
    ],
  );
});

test('ports without names match by port and protocol; int-or-string ports compare by number', () => {
  const svc = (ports: unknown[]): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', namespace: 'n' },
    spec: { ports },
  });
  assert.equal(
    diffObject(
      svc([{ port: 53, protocol: 'UDP', targetPort: '5353' }, { port: 80 }]),
      svc([
        { port: 80, protocol: 'TCP', targetPort: 80 },
        { port: 53, protocol: 'UDP', targetPort: 5353 },
      ]),
    ),
    undefined,
  );
  assert.deepEqual(
    diffObject(
      svc([{ port: 80, targetPort: 8080 }]),
      svc([{ port: 80, protocol: 'TCP', targetPort: 8081 }]),
    )?.fields?.map((f) => f.path),
    ['spec.ports[port=80,protocol=TCP].targetPort'],
  );
});

test('inherited names (constructor, __proto__) are ordinary keys', () => {
  const spec = { constructor: [{ name: 'a' }], toString: '1constructor' };
  assert.equal(diffObject(pod(spec), pod(structuredClone(spec))), undefined);
  assert.deepEqual(
    diffObject(pod(spec), pod({}))?.fields?.map((f) => f.path),
    ['spec.constructor', 'spec.toString'],
  );
});

test('zero values in desired match absent live fields (omitempty); null declares nothing', () => {
  const desired = pod({ hostNetwork: false, nodeSelector: {}, tolerations: [], priority: null });
  assert.equal(diffObject(desired, pod({ priority: 5 })), undefined);
});

// Keys: random ones, and ones with a meaning (list keys, quantity maps, inherited names).
const fieldName = fc.oneof(
  fc.string({ minLength: 1, maxLength: 6 }),
  fc.constantFrom('name', 'ports', 'port', 'limits', 'volumeMounts', 'constructor', '__proto__'),
);

// Any JSON-shaped object body, with list items that look like containers sometimes.
const jsonBody = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.array(fc.record({ name: fc.constantFrom('a', 'b'), v: tie('value') }), { maxLength: 3 }),
    fc.dictionary(fieldName, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const kubeObject = fc.record({
  apiVersion: fc.constantFrom('v1', 'apps/v1'),
  kind: fc.constantFrom('ConfigMap', 'Deployment', 'Secret'),
  metadata: fc.record({
    name: fc.constant('o'),
    namespace: fc.constant('n'),
    labels: fc.dictionary(fc.string({ minLength: 1 }), fc.string(), { maxKeys: 3 }),
  }),
  spec: fc.dictionary(fieldName, jsonBody, { maxKeys: 4 }),
  data: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.string(), { maxKeys: 3 }),
}) as fc.Arbitrary<KubeObject>;

/** The same value with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reverseKeys(v)]),
  );
}

test('property: an object never drifts from itself', () => {
  fc.assert(
    fc.property(kubeObject, (obj) => diffObject(obj, structuredClone(obj)) === undefined),
    { numRuns: 500 },
  );
});

test('property: the diff does not depend on the order of keys', () => {
  fc.assert(
    fc.property(kubeObject, kubeObject, (a, b) => {
      const live = { ...b, metadata: { ...b.metadata, name: 'o' } };
      assert.deepEqual(
        diffObject(reverseKeys(a) as KubeObject, reverseKeys(live) as KubeObject),
        diffObject(a, live),
      );
    }),
    { numRuns: 500 },
  );
});

test('property: fields only live has (defaults, other managers) are not drift', () => {
  fc.assert(
    fc.property(kubeObject, jsonBody, (obj, extra) => {
      const live = {
        ...structuredClone(obj),
        spec: { ...(obj.spec as object), zzDefaulted: extra },
        status: { ready: true },
      };
      return diffObject(obj, live) === undefined;
    }),
    { numRuns: 300 },
  );
});
