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
