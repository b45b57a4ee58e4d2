import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../core/index.ts';
import { diffObject, ownerOf } from '../drift/index.ts';
import { createCompactor, LAST_APPLIED_ANNOTATION } from './compact.ts';

// A fresh copy each call, as JSON.parse gives the reflector one per event.
const configMap = (name: string, annotations?: Record<string, string>): KubeObject =>
  JSON.parse(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace: 'team-a',
        creationTimestamp: '2026-12-01T12:00:00Z',
        ...(annotations ? { annotations } : {}),
        managedFields: [
          {
            manager: 'moor',
            operation: 'Apply',
            apiVersion: 'v1',
            time: '2026-12-01T12:00:00Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:data': { 'f:value': {} } },
          },
          {
            manager: 'kubectl-edit',
            operation: 'Update',
            apiVersion: 'v1',
            time: '2026-12-01T12:05:00Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:data': { 'f:other': {} } },
          },
        ],
      },
      data: { value: 'a', other: 'b' },
    }),
  ) as KubeObject;

test('a compacted object is the object, without the last-applied annotation', () => {
  const compact = createCompactor();
  const plain = configMap('one', { keep: 'me' });
  assert.deepEqual(compact(configMap('one', { keep: 'me' })), plain);
  assert.deepEqual(
    compact(configMap('one', { keep: 'me', [LAST_APPLIED_ANNOTATION]: '{"big":"copy"}' })),
    plain,
  );
  const onlyLastApplied = compact(configMap('two', { [LAST_APPLIED_ANNOTATION]: '{}' }));
  assert.equal(onlyLastApplied.metadata.annotations, undefined);
  assert.deepEqual(onlyLastApplied, configMap('two'));
});

test('equal fieldsV1 trees and repeated strings are stored once, and the shared trees are frozen', () => {
  const compact = createCompactor();
  const a = compact(configMap('a'));
  const b = compact(configMap('b'));
  const [fa, fb] = [a.metadata.managedFields?.[0], b.metadata.managedFields?.[0]];
  assert.ok(fa?.fieldsV1 && fa.fieldsV1 === fb?.fieldsV1, 'one tree for both objects');
  assert.ok(Object.isFrozen(fa.fieldsV1) && Object.isFrozen(fa.fieldsV1['f:data']));
  assert.notEqual(a.metadata.managedFields?.[1]?.fieldsV1, fa.fieldsV1, 'other trees stay apart');
  // The input is not changed.
  const input = configMap('c', { [LAST_APPLIED_ANNOTATION]: '{}' });
  compact(input);
  assert.equal(input.metadata.annotations?.[LAST_APPLIED_ANNOTATION], '{}');
});

test('drift reads the same fields and managers from a compacted object', () => {
  const compact = createCompactor();
  const live = configMap('one');
  const desired: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'one', namespace: 'team-a' },
    data: { value: 'x', other: 'y' },
  };
  assert.deepEqual(diffObject(desired, compact(live)), diffObject(desired, configMap('one')));
  assert.equal(
    ownerOf(compact(live), [{ field: 'data' }, { field: 'other' }])?.manager,
    'kubectl-edit',
  );
});

test('the tables are bounded: past the limit they start over and stay correct', () => {
  const compact = createCompactor(2);
  for (let i = 0; i < 50; i++) {
    const obj = configMap(`cm-${i}`);
    obj.metadata.namespace = `ns-${i}`;
    assert.equal(compact(obj).metadata.namespace, `ns-${i}`);
  }
});

// A Sync as its informer receives it: every string fresh from JSON.parse.
const syncObject = (name: string, lastApplied?: string): KubeObject =>
  JSON.parse(
    JSON.stringify({
      apiVersion: 'moor.dev/v1alpha1',
      kind: 'Sync',
      metadata: {
        name,
        namespace: 'team-a',
        ...(lastApplied ? { annotations: { [LAST_APPLIED_ANNOTATION]: lastApplied } } : {}),
        managedFields: [
          {
            manager: 'moor',
            operation: 'Apply',
            apiVersion: 'moor.dev/v1alpha1',
            time: '2026-12-01T12:00:00Z',
            fieldsType: 'FieldsV1',
            subresource: 'status',
            fieldsV1: { 'f:status': { 'f:inventory': { 'f:entries': {} } } },
          },
        ],
      },
      spec: {
        sourceRef: { kind: 'GitRepository', name: 'src' },
        path: `apps/${name}`,
        prune: true,
      },
      status: {
        lastAppliedRevision: 'main@sha1:e4d8fb3d151036003c1a9fd6496c64c51ac539f2',
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'Succeeded',
            lastTransitionTime: '2026-12-01T12:00:00Z',
          },
        ],
        inventory: {
          entries: [
            { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'team-a', name: `${name}-a` },
            { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'team-a', name: `${name}-b` },
          ],
        },
        history: [{ revision: 'main@sha1:e4d8fb3d151036003c1a9fd6496c64c51ac539f2', created: 2 }],
      },
    }),
  ) as KubeObject;

const syncOptions = { keepLastApplied: true, deepStrings: ['spec', 'status'] } as const;

test('a Sync compacted with deep strings is equal to the Sync, last-applied annotation included', () => {
  const cases: { name: string; lastApplied?: string }[] = [
    { name: 'plain' },
    { name: 'applied-by-kubectl', lastApplied: '{"kind":"Sync"}' },
  ];
  for (const c of cases) {
    const compact = createCompactor(undefined, syncOptions);
    assert.deepEqual(
      compact(syncObject(c.name, c.lastApplied)),
      syncObject(c.name, c.lastApplied),
      c.name,
    );
  }
});

test('deep strings change no value, and the managedFields trees are one across Syncs', () => {
  const compact = createCompactor(undefined, syncOptions);
  const [a, b] = [compact(syncObject('a')), compact(syncObject('b'))];
  type Status = {
    lastAppliedRevision: string;
    inventory: { entries: { namespace: string; kind: string; name: string }[] };
    history: { revision: string }[];
  };
  const [sa, sb] = [a.status as Status, b.status as Status];
  assert.equal(sa.lastAppliedRevision, sb.lastAppliedRevision);
  assert.equal(sa.history[0]?.revision, sa.lastAppliedRevision);
  assert.equal(sb.inventory.entries[1]?.name, 'b-b');
  assert.equal(a.metadata.managedFields?.[0]?.fieldsV1, b.metadata.managedFields?.[0]?.fieldsV1);
  assert.ok(Object.isFrozen(a.metadata.managedFields?.[0]?.fieldsV1));
});

test('deep strings: a status nested past the depth bound is kept as it is', () => {
  const compact = createCompactor(undefined, syncOptions);
  let deep: Record<string, unknown> = { leaf: 'x' };
  for (let i = 0; i < 200; i++) deep = { next: deep };
  const obj = { ...syncObject('deep'), status: deep };
  const copy = JSON.parse(JSON.stringify(obj)) as KubeObject;
  assert.deepEqual(compact(obj), copy);
});
