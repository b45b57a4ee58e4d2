// A kustomization is built with the real kustomize inside a private copy of its artifact: it
// cannot reach the operator's host or another source's artifact in the same store, fetch remote
// resources (unless allowed), or run plugins.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
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
  'an absolute path to the host in resources, patches or a generator is refused by name',
  { skip },
  async (t) => {
    const dir = await scratchStore(t);
    const artifact = join(dir, 'store', 'ns', 'mine', 'sha256-a');
    const host = join(dir, 'host');
    const fields = {
      resources: `resources:\n  - own.yaml\n  - ${host}\n`,
      'patches.path': `resources: [own.yaml]\npatches:\n  - path: ${host}/host.yaml\n`,
      'configMapGenerator.files': `resources: [own.yaml]\nconfigMapGenerator:\n  - name: x\n    files: [${host}/host.yaml]\n`,
    };
    for (const [field, kustomization] of Object.entries(fields)) {
      await writeTree(artifact, {
        'deploy/kustomization.yaml': kustomization,
        'deploy/own.yaml': configMap('own'),
      });
      const files = await build(artifact, 'deploy');
      assert.equal(files.ok, false, `${field}: ${files.ok ? 'built' : ''}`);
      if (files.ok) continue;
      assert.equal(files.error.code, 'ReferenceEscapesArtifact', field);
      assert.match(files.error.message, new RegExp(`^deploy/kustomization.yaml: ${field} entry /`));
      assert.match(files.error.message, /is outside the artifact$/, field);
      assert.doesNotMatch(files.error.message, /host-file/, field);
    }
  },
);

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

test(
  'symlinks in the copy: inside the artifact followed, leading out of it left out',
  { skip },
  async (t) => {
    const dir = await scratchStore(t);
    const artifact = join(dir, 'store', 'ns', 'mine', 'sha256-a');
    await writeTree(artifact, {
      'real-base/kustomization.yaml': 'resources: [cm.yaml]\n',
      'real-base/cm.yaml': configMap('linked'),
      'inside/kustomization.yaml': 'resources: [../base-link]\n',
      'outside/kustomization.yaml': 'resources: [../host-link]\n',
    });
    await symlink(join(artifact, 'real-base'), join(artifact, 'base-link'));
    await symlink(join(dir, 'host'), join(artifact, 'host-link'));
    const inside = await build(artifact, 'inside');
    assert.ok(inside.ok, inside.ok ? '' : inside.error.message);
    assert.match(inside.value[0]?.content ?? '', /name: linked/);
    const outside = await build(artifact, 'outside');
    assert.equal(outside.ok, false);
    if (outside.ok) return;
    assert.equal(outside.error.code, 'KustomizeFailed');
    assert.match(
      outside.error.message,
      /^outside\/kustomization\.yaml: kustomize build failed: .*host-link/,
    );
    assert.doesNotMatch(outside.error.message, /host-file/);
  },
);

/** A loopback HTTP server serving one manifest; counts the requests it gets. */
async function manifestServer(t: TestContext): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(200, { 'content-type': 'application/yaml' });
    res.end(configMap('fetched'));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  t.after(() => new Promise<void>((done) => server.close(() => done())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/cm.yaml`, requests: () => requests };
}

test(
  'a remote resource is refused, naming the file and the entry, and never fetched',
  { skip },
  async (t) => {
    const dir = await scratchStore(t);
    const server = await manifestServer(t);
    const artifact = join(dir, 'store', 'ns', 'mine', 'sha256-a');
    await writeTree(artifact, {
      'deploy/kustomization.yaml': 'resources: [../base]\n',
      'base/kustomization.yaml': `resources:\n  - own.yaml\n  - ${server.url}\n`,
      'base/own.yaml': configMap('own'),
    });
    const files = await build(artifact, 'deploy');
    assert.equal(files.ok, false);
    if (files.ok) return;
    assert.equal(files.error.code, 'RemoteResourceRefused');
    assert.equal(
      files.error.message,
      `base/kustomization.yaml: resources entry ${server.url} is remote: remote bases and resources are refused unless the operator runs with --allow-remote-bases`,
    );
    assert.equal(server.requests(), 0);
  },
);

test('with remote bases allowed, a remote resource is fetched', { skip }, async (t) => {
  const dir = await scratchStore(t);
  const server = await manifestServer(t);
  const artifact = join(dir, 'store', 'ns', 'mine', 'sha256-a');
  await writeTree(artifact, { 'deploy/kustomization.yaml': `resources: [${server.url}]\n` });
  const files = await build(artifact, 'deploy', { allowRemote: true });
  assert.ok(files.ok, files.ok ? '' : files.error.message);
  assert.match(files.value[0]?.content ?? '', /name: fetched/);
  assert.equal(server.requests(), 1);
});

const plugins = [
  {
    name: 'an exec KRM function in a transformer file',
    files: {
      'deploy/kustomization.yaml': 'resources: [own.yaml]\ntransformers: [fn.yaml]\n',
      'deploy/fn.yaml': [
        'apiVersion: example.com/v1',
        'kind: Touch',
        'metadata:',
        '  name: touch',
        '  annotations:',
        '    config.kubernetes.io/function: |',
        '      exec:',
        '        path: /usr/bin/touch',
        '',
      ].join('\n'),
    },
    message:
      "deploy/kustomization.yaml: transformers entry fn.yaml (example.com/v1 Touch/touch) is a KRM function: only kustomize's builtin generators, transformers and validators run",
  },
  {
    name: 'a container function in a generator directory',
    files: {
      'deploy/kustomization.yaml': 'resources: [own.yaml]\ngenerators: [../gen]\n',
      'gen/kustomization.yaml': 'resources: [gen.yaml]\n',
      'gen/gen.yaml': [
        'apiVersion: example.com/v1',
        'kind: Gen',
        'metadata:',
        '  name: gen',
        '  annotations:',
        '    config.kubernetes.io/function: |',
        '      container:',
        '        image: example.com/gen:1',
        '',
      ].join('\n'),
    },
    message:
      "gen/kustomization.yaml: resources entry gen.yaml (example.com/v1 Gen/gen) is a KRM function: only kustomize's builtin generators, transformers and validators run",
  },
];
for (const c of plugins) {
  test(`${c.name} is refused before kustomize runs`, { skip }, async (t) => {
    const dir = await scratchStore(t);
    const artifact = join(dir, 'store', 'ns', 'mine', 'sha256-a');
    await writeTree(artifact, { ...c.files, 'deploy/own.yaml': configMap('own') });
    const files = await build(artifact, 'deploy');
    assert.equal(files.ok, false);
    if (files.ok) return;
    assert.equal(files.error.code, 'KustomizePluginRefused');
    assert.equal(files.error.message, c.message);
  });
}

test('an inline builtin transformer is not a plugin and builds', { skip }, async (t) => {
  const dir = await scratchStore(t);
  const artifact = join(dir, 'store', 'ns', 'mine', 'sha256-a');
  await writeTree(artifact, {
    'deploy/kustomization.yaml': [
      'resources: [own.yaml]',
      'transformers:',
      '  - |',
      '    apiVersion: builtin',
      '    kind: LabelTransformer',
      '    metadata:',
      '      name: team',
      '    labels:',
      '      team: payments',
      '    fieldSpecs:',
      '      - path: metadata/labels',
      '        create: true',
      '',
    ].join('\n'),
    'deploy/own.yaml': configMap('own'),
  });
  const files = await build(artifact, 'deploy');
  assert.ok(files.ok, files.ok ? '' : files.error.message);
  assert.match(files.value[0]?.content ?? '', /team: payments/);
});
