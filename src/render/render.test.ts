import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { testKustomize } from '../../test/helpers/kustomize.ts';
import { formatObjectId, Labels, objectIdOf } from '../core/index.ts';
import { renderSync, type RenderSyncOptions } from './index.ts';

const artifact = join(import.meta.dirname, 'testdata', 'artifact');
const base: RenderSyncOptions = {
  artifactDir: artifact,
  path: 'apps',
  syncName: 'apps',
  syncNamespace: 'moor-system',
  isNamespaced: () => undefined,
  signal: AbortSignal.timeout(60_000),
};

test('renderSync renders a directory of manifests into labelled objects in the target namespace', async () => {
  const result = await renderSync({ ...base, targetNamespace: 'team' });
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  assert.deepEqual(
    result.value.map(
      (r) => `${formatObjectId(objectIdOf(r.object))} ${r.source.path}:${r.source.line}`,
    ),
    [
      'Namespace/team apps/namespace.yaml:1',
      'ConfigMap/team/web-config apps/web/config.json:1',
      'Deployment.apps/team/web apps/web/deployment.yaml:2',
      'Service/team/web apps/web/deployment.yaml:19',
      'CustomResourceDefinition.apiextensions.k8s.io/widgets.example.com apps/widgets.yaml:1',
      'Widget.example.com/blue apps/widgets.yaml:16',
    ],
  );
  for (const { object } of result.value) {
    assert.equal(object.metadata.labels?.[Labels.syncName], 'apps');
    assert.equal(object.metadata.labels?.[Labels.syncNamespace], 'moor-system');
  }
});

test('renderSync: objects of two namespaces folded into one by targetNamespace are duplicates', async () => {
  const plain = await renderSync({ ...base, path: 'dup' });
  assert.ok(plain.ok);
  assert.equal(plain.value.length, 2);
  const folded = await renderSync({ ...base, path: 'dup', targetNamespace: 'team' });
  assert.equal(folded.ok, false);
  if (!folded.ok) {
    assert.equal(
      folded.error.message,
      'ConfigMap/team/settings is defined twice: at dup/a.yaml:1 and at dup/b.yaml:1',
    );
  }
});

test('renderSync reports a YAML error with file, line and column', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'moor-render-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(join(artifact, 'apps'), join(dir, 'apps'), { recursive: true });
  await writeFile(
    join(dir, 'apps', 'web', 'bad.yaml'),
    'apiVersion: v1\nkind: ConfigMap\ndata:\n  key: "unterminated\n',
  );
  const result = await renderSync({ ...base, artifactDir: dir });
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.equal(result.error.code, 'SyntaxError');
    assert.match(result.error.message, /^apps\/web\/bad\.yaml:5:1: Missing closing "quote/);
  }
});

const { kustomize, skip } = testKustomize();
test(
  'renderSync builds a kustomization and still applies targetNamespace and labels',
  { skip },
  async () => {
    const result = await renderSync({
      ...base,
      path: 'kustomize/overlay',
      targetNamespace: 'team',
      kustomize: { path: kustomize },
    });
    assert.ok(result.ok, result.ok ? '' : result.error.message);
    assert.deepEqual(
      result.value.map((r) => [
        formatObjectId(objectIdOf(r.object)),
        r.object.metadata.labels?.[Labels.syncName],
      ]),
      [['ConfigMap/team/prod-settings', 'apps']],
    );
  },
);

test('renderSync without targetNamespace refuses the first object left without a namespace', async () => {
  const result = await renderSync(base);
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.equal(
      result.error.message,
      "apps/web/config.json:1: ConfigMap/web-config has no namespace: set metadata.namespace or the Sync's spec.targetNamespace",
    );
  }
});
