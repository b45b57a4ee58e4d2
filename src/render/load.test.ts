import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadManifestFiles } from './load.ts';

const artifact = join(import.meta.dirname, 'testdata', 'artifact');
const signal = AbortSignal.timeout(60_000);

/** A scratch copy of the artifact that a test may add symlinks to; removed after the test. */
async function scratchArtifact(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'moor-render-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const copy = join(dir, 'artifact');
  await cp(artifact, copy, { recursive: true });
  return copy;
}

test('loadManifestFiles reads YAML and JSON recursively, sorted, skipping dot entries and other files', async () => {
  const result = await loadManifestFiles(artifact, 'apps', signal);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  assert.deepEqual(
    result.value.map((f) => f.path),
    [
      'apps/namespace.yaml',
      'apps/web/config.json',
      'apps/web/deployment.yaml',
      'apps/widgets.yaml',
    ],
  );
  assert.match(result.value[0]?.content ?? '', /kind: Namespace/);
});

for (const path of ['apps/', './apps', 'apps/web/..', 'apps//']) {
  void test(`loadManifestFiles normalizes path ${JSON.stringify(path)}`, async () => {
    const result = await loadManifestFiles(artifact, path, signal);
    assert.ok(result.ok);
    assert.equal(result.value[0]?.path, 'apps/namespace.yaml');
  });
}

test('loadManifestFiles with an empty path reads the whole artifact (kustomizations need kustomize)', async () => {
  const result = await loadManifestFiles(artifact, '', signal);
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.equal(result.error.code, 'KustomizeUnavailable');
    assert.equal(
      result.error.message,
      'kustomize/base/kustomization.yaml: found a kustomization but no kustomize program to build it',
    );
  }
});

const refused: { path: string; code: string; message: string }[] = [
  { path: '../x', code: 'PathEscapesArtifact', message: 'path ../x is outside the artifact' },
  {
    path: 'apps/../../x',
    code: 'PathEscapesArtifact',
    message: 'path apps/../../x is outside the artifact',
  },
  { path: '..', code: 'PathEscapesArtifact', message: 'path .. is outside the artifact' },
  { path: '/etc', code: 'PathEscapesArtifact', message: 'path /etc is outside the artifact' },
  { path: 'nope', code: 'PathNotFound', message: 'path nope does not exist in the artifact' },
  {
    path: 'apps/namespace.yaml',
    code: 'PathNotFound',
    message: 'path apps/namespace.yaml is not a directory',
  },
];
for (const c of refused) {
  void test(`loadManifestFiles refuses path ${c.path}`, async () => {
    const result = await loadManifestFiles(artifact, c.path, signal);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.error.code, c.code);
    assert.equal(result.error.message, c.message);
  });
}

test('loadManifestFiles follows symlinks that stay inside the artifact, once per directory', async (t) => {
  const dir = await scratchArtifact(t);
  await symlink('namespace.yaml', join(dir, 'apps', 'ns-link.yaml'));
  await symlink('../mixed', join(dir, 'apps', 'linked-dir'));
  await symlink('..', join(dir, 'apps', 'web', 'loop'));
  await rm(join(dir, 'mixed', 'sub'), { recursive: true });
  const result = await loadManifestFiles(dir, 'apps', signal);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  assert.deepEqual(
    result.value.map((f) => f.path),
    [
      'apps/linked-dir/plain.yaml',
      'apps/namespace.yaml',
      'apps/ns-link.yaml',
      'apps/web/config.json',
      'apps/web/deployment.yaml',
      'apps/widgets.yaml',
    ],
  );
});

const escapes: {
  name: string;
  make: (dir: string, outside: string) => Promise<void>;
  message: string;
}[] = [
  {
    name: 'a file symlink to outside the artifact',
    make: (dir, outside) =>
      symlink(join(outside, 'secret.yaml'), join(dir, 'apps', 'web', 'stolen.yaml')),
    message: 'symlink apps/web/stolen.yaml resolves outside the artifact',
  },
  {
    name: 'a relative directory symlink climbing out',
    make: (dir) => symlink('../../..', join(dir, 'apps', 'up')),
    message: 'symlink apps/up resolves outside the artifact',
  },
  {
    name: 'a symlink in a kustomization directory',
    make: (dir, outside) => symlink(outside, join(dir, 'kustomize', 'base', 'outside')),
    message: 'symlink kustomize/base/outside resolves outside the artifact',
  },
];
for (const c of escapes) {
  void test(`loadManifestFiles refuses ${c.name}, naming the link`, async (t) => {
    const dir = await scratchArtifact(t);
    const outside = join(dir, '..', 'outside');
    await mkdir(outside);
    await writeFile(
      join(outside, 'secret.yaml'),
      'apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n',
    );
    await c.make(dir, outside);
    const path = c.name.includes('kustomization') ? 'kustomize/overlay/../base' : 'apps';
    const result = await loadManifestFiles(dir, path, signal, {
      kustomize: { path: '/nonexistent/kustomize' },
    });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.error.code, 'SymlinkEscapesArtifact');
    assert.equal(result.error.message, c.message);
  });
}

test('loadManifestFiles refuses a path that is itself a symlink to outside', async (t) => {
  const dir = await scratchArtifact(t);
  await symlink(tmpdir(), join(dir, 'tmp'));
  const result = await loadManifestFiles(dir, 'tmp', signal);
  assert.equal(result.ok, false);
  if (!result.ok)
    assert.equal(
      result.error.message,
      'path tmp resolves outside the artifact (through a symlink)',
    );
});

test('loadManifestFiles names a dangling symlink', async (t) => {
  const dir = await scratchArtifact(t);
  await symlink('gone.yaml', join(dir, 'apps', 'dangling.yaml'));
  const result = await loadManifestFiles(dir, 'apps', signal);
  assert.equal(result.ok, false);
  if (!result.ok)
    assert.equal(result.error.message, 'symlink apps/dangling.yaml points to nothing');
});

test('loadManifestFiles stops when the signal is aborted', async () => {
  const result = await loadManifestFiles(artifact, 'apps', AbortSignal.abort());
  assert.equal(result.ok, false);
  if (!result.ok) assert.equal(result.error.code, 'Aborted');
});

test('loadManifestFiles reports what it read: the path, and where its symlinks lead', async (t) => {
  const dir = await scratchArtifact(t);
  await symlink('../dup', join(dir, 'apps', 'linked'));
  await symlink('../../mixed/plain.yaml', join(dir, 'apps', 'web', 'plain.yaml'));
  const reads = new Set<string>();
  const result = await loadManifestFiles(dir, './apps/', signal, { reads });
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  assert.deepEqual([...reads].sort(), ['apps', 'dup', 'mixed/plain.yaml']);
  const root = new Set<string>();
  const whole = await loadManifestFiles(join(dir, 'dup'), '', signal, { reads: root });
  assert.ok(whole.ok, whole.ok ? '' : whole.error.message);
  assert.deepEqual([...root], ['']);
});
