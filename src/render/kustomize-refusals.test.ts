// A kustomization is built with the real kustomize inside a private copy of its artifact: it
// cannot reach the operator's host or another source's artifact in the same store.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';

import { testKustomize } from '../../test/helpers/kustomize.ts';
import { loadManifestFiles } from './load.ts';
import type { KustomizeSettings } from './kustomize.ts';

const { kustomize, skip } = testKustomize();

const configMap = (name: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  from: ${name}\n`;

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** A scratch dir holding `host/` (a kustomization on the host) and `store/ns/<name>/<digest>/`. */
async function scratchStore(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'moor-kustomize-refusals-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeTree(join(dir, 'host'), {
    'kustomization.yaml': 'resources: [host.yaml]\n',
    'host.yaml': configMap('host-file'),
  });
  await writeTree(join(dir, 'store', 'ns', 'other', 'sha256-b'), {
    'secret/kustomization.yaml': 'resources: [tenant.yaml]\n',
    'secret/tenant.yaml': configMap('other-tenant'),
  });
  return dir;
}

async function build(
  artifact: string,
  path: string,
  settings: Partial<KustomizeSettings> = {},
): Promise<Awaited<ReturnType<typeof loadManifestFiles>>> {
  return loadManifestFiles(artifact, path, AbortSignal.timeout(60_000), {
    kustomize: { path: kustomize, ...settings },
  });
}

const escapes = [
  {
    name: 'a host directory outside the artifact store',
    entry: '../../../../../host',
    leaked: 'host-file',
  },
  {
    name: "another source's artifact in the same store",
    entry: '../../../other/sha256-b/secret',
    leaked: 'other-tenant',
  },
];
for (const c of escapes) {
  test(`a kustomization cannot reach ${c.name}`, { skip }, async (t) => {
    const dir = await scratchStore(t);
    const artifact = join(dir, 'store', 'ns', 'mine', 'sha256-a');
    await writeTree(artifact, {
      'deploy/kustomization.yaml': `resources:\n  - own.yaml\n  - ${c.entry}\n`,
      'deploy/own.yaml': configMap('own'),
    });
    const files = await build(artifact, 'deploy');
    assert.equal(files.ok, false, files.ok ? files.value.map((f) => f.content).join('') : '');
    if (files.ok) return;
    assert.equal(files.error.code, 'ReferenceEscapesArtifact');
    assert.equal(
      files.error.message,
      `deploy/kustomization.yaml: resources entry ${c.entry} is outside the artifact`,
    );
    assert.doesNotMatch(files.error.message, new RegExp(c.leaked));
  });
}

test(
  'a base elsewhere in the artifact still builds, from a copy that is removed',
  { skip },
  async (t) => {
    const dir = await scratchStore(t);
    const artifact = join(dir, 'store', 'ns', 'mine', 'sha256-a');
    await writeTree(artifact, {
      'overlays/prod/kustomization.yaml': 'namePrefix: prod-\nresources: [../../base]\n',
      'base/kustomization.yaml': 'resources: [cm.yaml]\n',
      'base/cm.yaml': configMap('settings'),
    });
    const scratch = join(dir, 'scratch');
    await mkdir(scratch);
    const files = await build(artifact, 'overlays/prod', { scratchDir: scratch });
    assert.ok(files.ok, files.ok ? '' : files.error.message);
    assert.match(files.value[0]?.content ?? '', /name: prod-settings/);
    assert.deepEqual(await readdir(scratch), []);
  },
);
