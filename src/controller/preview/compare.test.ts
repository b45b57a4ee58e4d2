import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatObjectId, type KubeObject } from '../../core/index.ts';
import {
  comparePreview,
  diffFields,
  formatPreviewMarkdown,
  formatPreviewText,
  hasChanges,
  summarizePreview,
  type Observation,
} from './index.ts';

const cm = (
  name: string,
  data: Record<string, string>,
  extra: Partial<KubeObject['metadata']> = {},
) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'app', ...extra },
  data,
});
const served = (obj: KubeObject, resourceVersion: string, generation = 1): KubeObject => ({
  ...obj,
  metadata: {
    ...obj.metadata,
    uid: 'u-1',
    resourceVersion,
    generation,
    managedFields: [{ manager: 'moor', operation: 'Apply', time: resourceVersion }],
  },
});
const secret = (password: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'app' },
  data: { password: Buffer.from(password).toString('base64') },
});
const deployment = (image: string, replicas: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'app' },
  spec: {
    replicas,
    template: {
      spec: {
        containers: [
          { name: 'web', image },
          { name: 'side', image: 'side:1' },
        ],
      },
    },
  },
  status: { readyReplicas: replicas },
});

const applied = (
  desired: KubeObject,
  live: KubeObject | undefined,
  result: KubeObject,
): Observation => ({
  desired,
  live,
  answer: { kind: 'applied', result },
});

const sync = { namespace: 'app', name: 'web' };

void test('diffFields: only what the apply would change, server bookkeeping ignored', () => {
  const cases: { name: string; live: KubeObject; after: KubeObject; want: unknown[] }[] = [
    {
      name: 'same object, new resourceVersion, generation and managedFields time',
      live: served(cm('a', { k: 'v' }), '1'),
      after: served(cm('a', { k: 'v' }), '2', 2),
      want: [],
    },
    {
      name: 'a data value changed, one added, one removed',
      live: served(cm('a', { k: 'v', gone: 'x' }), '1'),
      after: served(cm('a', { k: 'w', new: 'y' }), '1'),
      want: [
        { path: 'data.gone', before: '"x"' },
        { path: 'data.k', before: '"v"', after: '"w"' },
        { path: 'data.new', after: '"y"' },
      ],
    },
    {
      name: 'a label with a dotted key',
      live: served(cm('a', {}, { labels: { 'app.kubernetes.io/name': 'a' } }), '1'),
      after: served(cm('a', {}, { labels: { 'app.kubernetes.io/name': 'b' } }), '1'),
      want: [{ path: 'metadata.labels["app.kubernetes.io/name"]', before: '"a"', after: '"b"' }],
    },
    {
      name: 'containers matched by name; status is not a change',
      live: served(deployment('web:1', 2), '1'),
      after: { ...served(deployment('web:2', 3), '1'), status: { readyReplicas: 0 } },
      want: [
        { path: 'spec.replicas', before: '2', after: '3' },
        {
          path: 'spec.template.spec.containers[name=web].image',
          before: '"web:1"',
          after: '"web:2"',
        },
      ],
    },
    {
      name: 'Secret values are masked',
      live: served(secret('old-password'), '1'),
      after: served(secret('new-password'), '1'),
      want: [{ path: 'data.password', masked: true }],
    },
  ];
  for (const c of cases) assert.deepEqual(diffFields(c.live, c.after), c.want, c.name);
});

void test('comparePreview: create, change, unchanged, refused, prune', () => {
  const keep = cm('keep', { k: 'v' });
  const edit = cm('edit', { k: 'v' });
  const fresh = cm('fresh', { k: 'v' });
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'new' } };
  const inNew = cm('in-new', {}, { namespace: 'new' });
  const bad = cm('bad', {});
  const p = comparePreview({
    revision: 'feature@sha1:abc',
    sync,
    observations: [
      applied(keep, served(keep, '1'), served(keep, '1')),
      applied(edit, served(edit, '1'), served(cm('edit', { k: 'w' }), '1')),
      applied(fresh, undefined, served(fresh, '0')),
      applied(ns, undefined, ns),
      { desired: inNew, live: undefined, answer: { kind: 'deferred' } },
      {
        desired: bad,
        live: undefined,
        answer: { kind: 'refused', message: 'data: Invalid value' },
      },
    ],
    pruned: [{ group: '', kind: 'ConfigMap', namespace: 'app', name: 'old', version: 'v1' }],
  });
  assert.deepEqual(p.create.map(formatObjectId), [
    'ConfigMap/app/fresh',
    'Namespace/new',
    'ConfigMap/new/in-new',
  ]);
  assert.deepEqual(p.change.map(formatObjectId), ['ConfigMap/app/edit']);
  assert.deepEqual(p.change[0]?.fields, [{ path: 'data.k', before: '"v"', after: '"w"' }]);
  assert.deepEqual(p.prune.map(formatObjectId), ['ConfigMap/app/old']);
  assert.deepEqual(p.failed, [
    { group: '', kind: 'ConfigMap', namespace: 'app', name: 'bad', message: 'data: Invalid value' },
  ]);
  assert.equal(p.unchanged, 1);
  assert.equal(hasChanges(p), true);
  assert.equal(summarizePreview(p), '3 to create, 1 to change, 1 to prune, 1 refused');
});

void test('comparePreview: the applied state previews as no changes', () => {
  const a = cm('a', { k: 'v' });
  const p = comparePreview({
    revision: 'main@sha1:abc',
    sync,
    observations: [applied(a, served(a, '5'), served(a, '5'))],
    pruned: [],
  });
  assert.equal(hasChanges(p), false);
  assert.match(formatPreviewText(p), /0 to create, 0 to change, 0 to prune\nno changes\n$/);
});

void test('the text and Markdown forms name every object and never a Secret value', () => {
  const live = served(secret('hunter2-old'), '1');
  const p = comparePreview({
    revision: 'pr@sha1:abc',
    sync,
    observations: [applied(secret('hunter2-new'), live, served(secret('hunter2-new'), '1'))],
    pruned: [{ group: 'apps', kind: 'Deployment', namespace: 'app', name: 'old', version: 'v1' }],
  });
  const text = formatPreviewText(p);
  const markdown = formatPreviewMarkdown(p);
  for (const out of [text, markdown, JSON.stringify(p)]) {
    assert.ok(!out.includes('hunter2'), out);
    assert.ok(!out.includes(Buffer.from('hunter2-new').toString('base64')), out);
  }
  for (const out of [text, markdown]) {
    assert.ok(out.includes('Secret/app/db'), out);
    assert.ok(out.includes('Deployment.apps/app/old'), out);
  }
  assert.match(
    markdown,
    /### To change \(1\)\n\n- `Secret\/app\/db`\n {2}- `data\.password: \(secret value hidden\)`/,
  );
  assert.match(markdown, /### To prune \(1\)/);
});
