// Reading managedFields: which paths each manager owns, and who owns a field now.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { KubeObject, ManagedFieldsEntry } from '../core/index.ts';
import {
  formatFieldPath,
  ownerOf,
  parseFieldsV1,
  readManagedFields,
  type FieldPath,
} from './index.ts';

const scaled = (
  parse(readFileSync(new URL('testdata/replicas-kubectl-scale.yaml', import.meta.url), 'utf8')) as {
    live: KubeObject;
  }
).live;

test('readManagedFields lists each entry with the paths it owns', () => {
  const sets = readManagedFields(scaled);
  assert.deepEqual(
    sets.map((s) => [s.manager, s.operation, s.subresource, s.time]),
    [
      ['moor', 'Apply', undefined, '2026-11-26T21:48:14Z'],
      ['kubectl', 'Update', 'scale', undefined],
      ['kube-controller-manager', 'Update', 'status', '2026-11-26T21:48:16Z'],
    ],
  );
  assert.deepEqual(sets[1]?.paths.map(formatFieldPath), ['spec.replicas']);
  const moor = sets[0]?.paths.map(formatFieldPath) ?? [];
  for (const path of [
    'metadata.labels["moor.dev/sync-name"]',
    'spec.selector',
    'spec.template.spec.containers[name=web]',
    'spec.template.spec.containers[name=web].env[name=LEVEL].value',
    'spec.template.spec.containers[name=web].ports[containerPort=8080,protocol=TCP].containerPort',
    'spec.template.spec.containers[name=web].resources.requests.cpu',
  ])
    assert.ok(moor.includes(path), `moor owns ${path}`);
  assert.ok(!moor.includes('spec.replicas'), 'kubectl scale took spec.replicas from moor');
});

test('parseFieldsV1 reads set items (v:) and indexes (i:)', () => {
  const paths = parseFieldsV1({
    'f:metadata': { 'f:finalizers': { '.': {}, 'v:"example.com/guard"': {} } },
    'f:spec': { 'f:items': { 'i:0': { 'f:x': {} } } },
    'x:unknown': {},
  });
  assert.deepEqual(paths.map(formatFieldPath), [
    'metadata.finalizers',
    'metadata.finalizers[=example.com/guard]',
    'spec.items[0].x',
  ]);
});

const f = (field: string) => ({ field });
const webContainer: FieldPath = [
  f('spec'),
  f('template'),
  f('spec'),
  f('containers'),
  { key: { name: 'web' } },
];

test('ownerOf names who owns a field now', () => {
  const cases: ReadonlyArray<{ path: FieldPath; want: string | undefined }> = [
    { path: [f('spec'), f('replicas')], want: 'kubectl' },
    { path: [...webContainer, f('image')], want: 'moor' },
    // A port named by `name` finds the managedFields item keyed by containerPort+protocol.
    {
      path: [...webContainer, f('ports'), { key: { name: 'http' } }, f('containerPort')],
      want: 'moor',
    },
    { path: [f('status'), f('replicas')], want: 'kube-controller-manager' },
    // Nobody owns a defaulted field, and a missing field has no owner.
    { path: [f('spec'), f('revisionHistoryLimit')], want: undefined },
    { path: [...webContainer, f('env'), { key: { name: 'NOPE' } }], want: undefined },
    // Someone owning only part of a node answers for it.
    { path: [f('spec'), f('template')], want: 'moor' },
  ];
  for (const c of cases)
    assert.equal(ownerOf(scaled, c.path)?.manager, c.want, formatFieldPath(c.path));
  assert.deepEqual(ownerOf(scaled, [f('spec'), f('replicas')]), {
    manager: 'kubectl',
    operation: 'Update',
    subresource: 'scale',
  });
});

test('ownerOf prefers another manager over moor, then the most recent writer', () => {
  const entry = (manager: string, time: string): ManagedFieldsEntry => ({
    manager,
    operation: 'Apply',
    time,
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:data': { 'f:k': {} } },
  });
  const withOwners = (...entries: ManagedFieldsEntry[]): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', managedFields: entries },
    data: { k: 'v' },
  });
  const path = [f('data'), f('k')];
  const owner = (obj: KubeObject) => ownerOf(obj, path)?.manager;
  assert.equal(
    owner(withOwners(entry('moor', '2024-01-02T00:00:00Z'), entry('helm', '2024-01-01T00:00:00Z'))),
    'helm',
  );
  assert.equal(
    owner(
      withOwners(
        entry('old', '2024-01-01T00:00:00Z'),
        entry('new', '2024-01-03T00:00:00Z'),
        entry('moor', '2024-01-04T00:00:00Z'),
      ),
    ),
    'new',
  );
  assert.equal(owner(withOwners(entry('moor', '2024-01-02T00:00:00Z'))), 'moor');
  assert.equal(owner(withOwners()), undefined);
});
