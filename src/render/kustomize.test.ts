import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { testKustomize } from '../../test/helpers/kustomize.ts';
import { loadManifestFiles, OUTSIDE_ARTIFACT } from './load.ts';
import { parseManifests } from './parse.ts';

const artifact = join(import.meta.dirname, 'testdata', 'artifact');

const { kustomize, skip } = testKustomize();

async function load(path: string) {
  return loadManifestFiles(artifact, path, AbortSignal.timeout(60_000), {
    kustomize: { path: kustomize },
  });
}

test(
  'a kustomization is built with kustomize, bases outside its directory included',
  { skip },
  async () => {
    const files = await load('kustomize/overlay');
    assert.ok(files.ok, files.ok ? '' : files.error.message);
    assert.deepEqual(
      files.value.map((f) => f.path),
      ['kustomize/overlay/kustomization.yaml'],
    );
    const objects = parseManifests(files.value);
    assert.ok(objects.ok);
    assert.deepEqual(
      objects.value.map((o) => [
        o.object.metadata.namespace,
        o.object.metadata.name,
        o.object.data,
      ]),
      [['prod', 'prod-settings', { mode: 'base' }]],
    );
  },
);

test(
  'a nested kustomization stands for its directory next to plain manifests',
  { skip },
  async () => {
    const files = await load('mixed');
    assert.ok(files.ok, files.ok ? '' : files.error.message);
    assert.deepEqual(
      files.value.map((f) => f.path),
      ['mixed/plain.yaml', 'mixed/sub/kustomization.yml'],
    );
    const objects = parseManifests(files.value);
    assert.ok(objects.ok);
    assert.deepEqual(objects.value[1]?.object.metadata.labels, { 'built-by': 'kustomize' });
  },
);

test(
  'a failing kustomize build keeps its stderr, with paths relative to the artifact',
  { skip },
  async () => {
    const files = await load('kustomize/broken');
    assert.equal(files.ok, false);
    if (files.ok) return;
    assert.equal(files.error.code, 'KustomizeFailed');
    assert.match(
      files.error.message,
      /^kustomize\/broken\/kustomization\.yaml: kustomize build failed: /,
    );
    assert.match(files.error.message, /kustomize\/broken\/missing\.yaml/);
    assert.doesNotMatch(files.error.message, new RegExp(artifact));
    assert.match(files.error.data.stderr ?? '', /missing\.yaml/);
  },
);

test('kustomize may not read files outside the kustomization root', { skip }, async () => {
  const files = await load('kustomize/escape');
  assert.equal(files.ok, false);
  if (!files.ok) assert.match(files.error.message, /is not in or below/);
});

test('a missing kustomize program is named', async () => {
  const files = await loadManifestFiles(
    artifact,
    'kustomize/overlay',
    AbortSignal.timeout(10_000),
    {
      kustomize: { path: '/nonexistent/kustomize' },
    },
  );
  assert.equal(files.ok, false);
  if (files.ok) return;
  assert.equal(files.error.code, 'KustomizeUnavailable');
  assert.equal(
    files.error.message,
    'kustomize/overlay/kustomization.yaml: cannot run kustomize: no program at /nonexistent/kustomize',
  );
});

test('no kustomize program at all says where it was looked for', async () => {
  const files = await loadManifestFiles(
    artifact,
    'kustomize/overlay',
    AbortSignal.timeout(10_000),
    {
      kustomize: { path: undefined, lookedFor: '/x/.cache/bin/kustomize and kustomize on PATH' },
    },
  );
  assert.equal(files.ok, false);
  if (files.ok) return;
  assert.equal(files.error.code, 'KustomizeUnavailable');
  assert.equal(
    files.error.message,
    'kustomize/overlay/kustomization.yaml: found a kustomization but no kustomize program to build it (looked for /x/.cache/bin/kustomize and kustomize on PATH)',
  );
});

test(
  'a kustomization reads its own directory and every base it reaches, also through a symlink',
  { skip },
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'moor-kustomize-reads-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const copy = join(dir, 'artifact');
    await cp(artifact, copy, { recursive: true });
    await mkdir(join(copy, 'shared'));
    await writeFile(join(copy, 'shared', 'extra.yaml'), 'a: 1\n');
    await symlink('../../shared', join(copy, 'kustomize', 'overlay', 'linked'));
    const reads = new Set<string>();
    const files = await loadManifestFiles(copy, 'kustomize/overlay', AbortSignal.timeout(60_000), {
      kustomize: { path: kustomize },
      reads,
    });
    assert.ok(files.ok, files.ok ? '' : files.error.message);
    assert.deepEqual([...reads].sort(), [
      'kustomize/base',
      'kustomize/overlay',
      'kustomize/overlay/linked',
      'shared',
    ]);
  },
);

test(
  'a kustomization built with remote entries allowed has read outside the artifact',
  { skip },
  async () => {
    const reads = new Set<string>();
    const files = await loadManifestFiles(
      artifact,
      'kustomize/overlay',
      AbortSignal.timeout(60_000),
      {
        kustomize: { path: kustomize, allowRemote: true },
        reads,
      },
    );
    assert.ok(files.ok, files.ok ? '' : files.error.message);
    assert.ok(reads.has(OUTSIDE_ARTIFACT), [...reads].join(', '));
  },
);
