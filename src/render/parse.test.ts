import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { formatObjectId, objectIdOf } from '../core/index.ts';
import { parseManifests } from './parse.ts';
import type { ManifestFile, RenderedObject } from './types.ts';

/** `Kind/ns/name@file:line` for each object: what a user sees of a parse. */
function describe(objects: readonly RenderedObject[]): string[] {
  return objects.map(
    (o) => `${formatObjectId(objectIdOf(o.object))}@${o.source.path}:${o.source.line}`,
  );
}

const cm = (name: string, ns = 'apps') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n`;

const successes: { name: string; files: ManifestFile[]; want: string[] }[] = [
  {
    name: 'multi-document stream with empty and comment-only documents',
    files: [
      {
        path: 'apps/config.yaml',
        content: `---\n# leading comment only\n---\n${cm('a')}---\n---\n\n${cm('b')}...\n`,
      },
    ],
    want: ['ConfigMap/apps/a@apps/config.yaml:4', 'ConfigMap/apps/b@apps/config.yaml:12'],
  },
  {
    name: 'files sorted by path (code-unit order), documents in file order',
    files: [
      { path: 'b/z.yaml', content: cm('z1') + '---\n' + cm('z0') },
      { path: 'a.yaml', content: cm('a') },
      { path: 'a/b.yaml', content: cm('ab') },
      { path: 'B.yaml', content: cm('upper') },
    ],
    want: [
      'ConfigMap/apps/upper@B.yaml:1',
      'ConfigMap/apps/a@a.yaml:1',
      'ConfigMap/apps/ab@a/b.yaml:1',
      'ConfigMap/apps/z1@b/z.yaml:1',
      'ConfigMap/apps/z0@b/z.yaml:7',
    ],
  },
  {
    name: 'kind: List is expanded, each item at its own line',
    files: [
      {
        path: 'list.yaml',
        content: [
          'apiVersion: v1',
          'kind: List',
          'items:',
          '  - apiVersion: v1',
          '    kind: Namespace',
          '    metadata: {name: apps}',
          '  - apiVersion: apps/v1',
          '    kind: Deployment',
          '    metadata: {name: web, namespace: apps}',
        ].join('\n'),
      },
    ],
    want: ['Namespace/apps@list.yaml:4', 'Deployment.apps/apps/web@list.yaml:7'],
  },
  {
    name: 'an empty List is no objects',
    files: [{ path: 'empty.yaml', content: 'apiVersion: v1\nkind: List\nitems: []\n' }],
    want: [],
  },
  {
    name: 'JSON file',
    files: [
      {
        path: 'crd.json',
        content:
          '{\n  "apiVersion": "rbac.authorization.k8s.io/v1",\n  "kind": "ClusterRole",\n  "metadata": {"name": "reader"}\n}\n',
      },
    ],
    want: ['ClusterRole.rbac.authorization.k8s.io/reader@crd.json:1'],
  },
  {
    name: 'empty file and whitespace-only file',
    files: [
      { path: 'a.yaml', content: '' },
      { path: 'b.yaml', content: '\n\n   \n# nothing\n' },
    ],
    want: [],
  },
  {
    name: 'same name in two namespaces, or two kinds, is no duplicate',
    files: [
      {
        path: 'x.yaml',
        content: `${cm('a', 'one')}---\n${cm('a', 'two')}---\napiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: one}\n`,
      },
    ],
    want: ['ConfigMap/one/a@x.yaml:1', 'ConfigMap/two/a@x.yaml:7', 'Secret/one/a@x.yaml:13'],
  },
];

for (const c of successes) {
  void test(`parseManifests: ${c.name}`, () => {
    const result = parseManifests(c.files);
    assert.ok(result.ok, result.ok ? '' : result.error.message);
    assert.deepEqual(describe(result.value), c.want);
  });
}

const failures: { name: string; files: ManifestFile[]; code: string; message: string }[] = [
  {
    name: 'YAML syntax error names file, line and column',
    files: [{ path: 'apps/web.yaml', content: `${cm('a')}---\nkind: x\n  foo: bar\n` }],
    code: 'SyntaxError',
    message: 'apps/web.yaml:7:7: ',
  },
  {
    name: 'unclosed flow sequence',
    files: [
      { path: 'apps/broken.yaml', content: 'apiVersion: v1\nkind: ConfigMap\ndata: [1, 2\n' },
    ],
    code: 'SyntaxError',
    message: 'apps/broken.yaml:4:1: ',
  },
  {
    name: 'JSON syntax error names file, line and column',
    files: [{ path: 'x.json', content: '{\n  "apiVersion": "v1"\n  "kind": "Secret"\n}\n' }],
    code: 'SyntaxError',
    message: 'x.json:3:3: Missing , between flow map items',
  },
  {
    name: 'duplicate mapping key is a syntax error',
    files: [{ path: 'dup-key.yaml', content: 'apiVersion: v1\nkind: ConfigMap\nkind: Secret\n' }],
    code: 'SyntaxError',
    message: 'dup-key.yaml:3:1: ',
  },
  {
    name: 'document without kind names file and line',
    files: [
      { path: 'apps/x.yaml', content: `${cm('a')}---\n\napiVersion: v1\nmetadata:\n  name: b\n` },
    ],
    code: 'NotAnObject',
    message: 'apps/x.yaml:8:1: not a Kubernetes object: missing kind',
  },
  {
    name: 'document without metadata.name',
    files: [
      { path: 'gen.yaml', content: 'apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: web-\n' },
    ],
    code: 'NotAnObject',
    message: 'gen.yaml:1:1: not a Kubernetes object: missing metadata.name',
  },
  {
    name: 'a scalar document',
    files: [{ path: 'text.yaml', content: '---\nhello world\n' }],
    code: 'NotAnObject',
    message: 'text.yaml:2:1: not a Kubernetes object: missing apiVersion, kind, metadata.name',
  },
  {
    name: 'a kustomization-like file is not an object',
    files: [
      {
        path: 'k.yaml',
        content:
          'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n',
      },
    ],
    code: 'NotAnObject',
    message: 'k.yaml:1:1: not a Kubernetes object: missing metadata.name',
  },
  {
    name: 'an invalid List item names its line',
    files: [
      {
        path: 'l.yaml',
        content:
          'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: ok}\n- kind: ConfigMap\n',
      },
    ],
    code: 'NotAnObject',
    message: 'l.yaml:7:3: not a Kubernetes object: missing apiVersion, metadata.name',
  },
  {
    name: 'the same object twice names both places',
    files: [
      { path: 'b.yaml', content: `# again\n${cm('web')}` },
      { path: 'a.yaml', content: cm('web') },
    ],
    code: 'DuplicateObject',
    message: 'ConfigMap/apps/web is defined twice: at a.yaml:1 and at b.yaml:2',
  },
  {
    name: 'a value without JSON form',
    files: [{ path: 'inf.yaml', content: `${cm('a')}data:\n  x: .inf\n` }],
    code: 'InvalidValue',
    message: 'inf.yaml:1:1: data.x: Infinity has no JSON form',
  },
];

for (const c of failures) {
  void test(`parseManifests fails: ${c.name}`, () => {
    const result = parseManifests(c.files);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.error.code, c.code);
    assert.ok(
      result.error.message.startsWith(c.message),
      `message ${JSON.stringify(result.error.message)} should start with ${JSON.stringify(c.message)}`,
    );
  });
}

test('parseManifests reads values as kustomize does: YAML 1.2 scalars, merge keys, binary as base64', () => {
  const content = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: a}',
    'x-base: &base {team: web}',
    'data:',
    '  enabled: yes',
    '  time: 12:30',
    '  date: 2001-12-14',
    'labels:',
    '  <<: *base',
    '  tier: front',
    'bytes: !!binary aGVsbG8=',
    'proto: {__proto__: {polluted: true}}',
  ].join('\n');
  const result = parseManifests([{ path: 'v.yaml', content }]);
  assert.ok(result.ok);
  const obj = result.value[0]?.object;
  assert.deepEqual(obj?.data, { enabled: 'yes', time: '12:30', date: '2001-12-14' });
  assert.deepEqual(obj?.labels, { team: 'web', tier: 'front' });
  assert.equal(obj?.bytes, 'aGVsbG8=');
  const proto = obj?.proto as Record<string, unknown>;
  assert.deepEqual(Object.keys(proto), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('parseManifests rejects an alias bomb instead of expanding it', () => {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++) {
    const refs = Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ');
    lines.push(`a${i}: &a${i} [${refs}]`);
  }
  const content = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n${lines.join('\n')}\n`;
  const result = parseManifests([{ path: 'bomb.yaml', content }]);
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.error.message, /^bomb\.yaml:1:1: Excessive alias count/);
});

const deepObject = (depth: number, style: 'flow' | 'block'): string => {
  const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n';
  if (style === 'flow') return `${head}  a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
  const keys = Array.from({ length: depth }, (_, i) => `${' '.repeat(2 * i + 2)}k:`);
  return `${head}${keys.join('\n')} 1\n`;
};

test('parseManifests names the same place on every try for a document nested too deep', () => {
  for (const [style, where] of [
    ['flow', /^deep\.yaml:5:260: collections nest deeper than 256 levels$/],
    ['block', /^deep\.yaml:260:513: collections nest deeper than 256 levels$/],
  ] as const) {
    const content = deepObject(10_000, style);
    const messages = Array.from({ length: 3 }, () => {
      const result = parseManifests([{ path: 'deep.yaml', content }]);
      return result.ok ? 'parsed' : `${result.error.code} ${result.error.message}`;
    });
    for (const message of messages) assert.match(message.replace(/^\S+ /, ''), where, style);
    assert.equal(new Set(messages).size, 1, style);
    assert.ok(messages[0]?.startsWith('NestingTooDeep '), style);
  }
});

test('parseManifests reads a document nested as deep as allowed', () => {
  for (const style of ['flow', 'block'] as const) {
    const result = parseManifests([{ path: 'deep.yaml', content: deepObject(250, style) }]);
    assert.equal(result.ok, true, style);
  }
});

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
const object = fc.record(
  {
    apiVersion: fc.constantFrom('v1', 'apps/v1', 'example.com/v1alpha1'),
    kind: fc.constantFrom('ConfigMap', 'Deployment', 'Widget'),
    metadata: fc.record({ name, namespace: name }, { noNullPrototype: true }),
    data: fc.dictionary(
      name,
      fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
      {
        noNullPrototype: true,
      },
    ),
  },
  { noNullPrototype: true },
);

test('parseManifests: a YAML stream of objects parses back to the same objects, whatever the file order', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(object, {
        selector: (o) => `${o.apiVersion}|${o.kind}|${o.metadata.namespace}|${o.metadata.name}`,
        maxLength: 8,
      }),
      fc.integer({ min: 1, max: 3 }),
      (objects, fileCount) => {
        const files: ManifestFile[] = [];
        for (let f = 0; f < fileCount; f++) {
          const mine = objects.filter((_, i) => i % fileCount === f);
          files.push({ path: `f${f}.yaml`, content: mine.map((o) => stringify(o)).join('---\n') });
        }
        const forward = parseManifests(files);
        const backward = parseManifests([...files].reverse());
        assert.ok(forward.ok && backward.ok);
        assert.deepEqual(forward.value, backward.value);
        const expected = [...Array(fileCount).keys()].flatMap((f) =>
          objects.filter((_, i) => i % fileCount === f),
        );
        assert.deepEqual(
          forward.value.map((r) => r.object),
          expected,
        );
      },
    ),
  );
});
