import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../core/index.ts';
import { bootstrapFiles, bootstrapPathOf } from './bootstrap-manifests.ts';

void test('--path: a relative directory, normalized; anything that could leave the tree is refused', () => {
  const cases: [string, string | undefined][] = [
    ['clusters/east', 'clusters/east'],
    ['./clusters/east/', 'clusters/east'],
    ['clusters/eu-1.prod', 'clusters/eu-1.prod'],
    ['', undefined],
    ['./', undefined],
    ['/etc', undefined],
    ['clusters/../..', undefined],
    ['clusters/./x', undefined],
    ['clusters//x', undefined],
    ['clusters/x y', undefined],
    ['clusters/$(id)', undefined],
    ['a/'.repeat(200), undefined],
  ];
  for (const [raw, expected] of cases) assert.equal(bootstrapPathOf(raw), expected, raw);
});

void test('the files: the install manifests, and a Sync of the path that orphans on deletion', () => {
  const files = bootstrapFiles({
    version: '1.2.3',
    url: 'https://git.example/fleet.git',
    branch: 'main',
    path: 'clusters/east',
    interval: '1m',
    withSecret: true,
    clusterAdmin: false,
  });
  assert.deepEqual(
    files.map((f) => f.path),
    ['clusters/east/moor-install.yaml', 'clusters/east/moor-sync.yaml'],
  );
  const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as KubeObject);
  const install = docs(files[0]!.text);
  const deployment = install.find((o) => o.kind === 'Deployment');
  assert.match(JSON.stringify(deployment), /ghcr\.io\/moor-dev\/moor:1\.2\.3/);
  const own = docs(files[1]!.text);
  assert.deepEqual(
    own.map((o) => `${o.kind}/${o.metadata.name}`),
    [
      'ServiceAccount/moor-bootstrap',
      'ClusterRoleBinding/moor-bootstrap',
      'GitRepository/moor',
      'Sync/moor',
    ],
  );
  assert.deepEqual(own[2]!.spec, {
    url: 'https://git.example/fleet.git',
    ref: { branch: 'main' },
    interval: '1m',
    secretRef: { name: 'moor-git' },
  });
  const spec = own[3]!.spec as Record<string, unknown>;
  assert.equal(spec.path, './clusters/east');
  assert.equal(spec.deletionPolicy, 'Orphan');
  assert.equal(spec.serviceAccountName, 'moor-bootstrap');
  // Nothing secret is ever in the files.
  assert.doesNotMatch(files.map((f) => f.text).join(''), /kind: Secret/);
});
