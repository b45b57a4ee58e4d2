import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseManifests } from './parse.ts';
import { defaultNamespace, separateHooks, splitTemplateOutput } from './helm-output.ts';

const printed = [
  '---',
  '# Source: app/crds/widgets.yaml',
  'apiVersion: apiextensions.k8s.io/v1',
  'kind: CustomResourceDefinition',
  'metadata: {name: widgets.example.com}',
  '',
  '---',
  '# Source: app/charts/lib/templates/cm.yaml',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata: {name: lib}',
  '---',
  '# Source: app/templates/all.yaml',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata: {name: one}',
  '---',
  '# Source: app/templates/all.yaml',
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  '  name: smoke',
  '  annotations: {helm.sh/hook: test}',
  '',
].join('\n');

test('splitTemplateOutput names each source by its path in the artifact', () => {
  const files = splitTemplateOutput(printed, 'app', 'charts/app');
  assert.deepEqual(
    files.map((f) => f.path),
    [
      'charts/app/crds/widgets.yaml',
      'charts/app/charts/lib/templates/cm.yaml',
      'charts/app/templates/all.yaml',
    ],
  );
  const parsed = parseManifests(files);
  assert.ok(parsed.ok);
  const where = parsed.value.map(
    (o) => `${o.object.metadata.name ?? ''}@${o.source.path}:${o.source.line}`,
  );
  assert.ok(where.includes('smoke@charts/app/templates/all.yaml:5'), where.join(' '));
  const { kept, skipped } = separateHooks(parsed.value);
  assert.deepEqual(skipped, ['Pod/smoke (test)']);
  assert.deepEqual(
    kept.map((o) => o.object.metadata.name),
    ['lib', 'widgets.example.com', 'one'],
  );
  const placed = defaultNamespace(kept, 'prod', (o) => o.kind !== 'CustomResourceDefinition');
  assert.deepEqual(
    placed.map((o) => o.object.metadata.namespace),
    ['prod', undefined, 'prod'],
  );
  // A chart at the artifact root keeps helm's paths without the chart name.
  assert.equal(splitTemplateOutput(printed, 'app', '')[0]?.path, 'crds/widgets.yaml');
});
