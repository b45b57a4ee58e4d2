import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DriftMode } from '../api/index.ts';
import type { KubeObject } from '../core/index.ts';
import type { LiveChangeType } from '../kube/index.ts';
import { wakesSync } from './drift-trigger.ts';

const cm = (data: Record<string, string>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'n', ...(annotations ? { annotations } : {}) },
  data,
});
const terminating: KubeObject = {
  ...cm({ a: '1' }),
  metadata: { name: 'c', namespace: 'n', deletionTimestamp: '2026-01-01T00:00:00Z' },
};
const ignore = { 'moor.dev/drift': 'ignore' };
const finishedJob: KubeObject = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'j', namespace: 'n' },
  spec: { ttlSecondsAfterFinished: 0 },
  status: { conditions: [{ type: 'Complete', status: 'True' }] },
};

type Case = [
  name: string,
  type: LiveChangeType,
  live: KubeObject,
  desired: KubeObject,
  mode: DriftMode,
  reportsDrift: boolean,
  wakes: boolean,
];
const cases: Case[] = [
  [
    'a change that still matches',
    'modified',
    cm({ a: '1' }),
    cm({ a: '1' }),
    'Correct',
    false,
    false,
  ],
  ['a changed value', 'modified', cm({ a: '2' }), cm({ a: '1' }), 'Correct', false, true],
  ['a deletion', 'deleted', cm({ a: '1' }), cm({ a: '1' }), 'Alert', false, true],
  ['a deletion begins', 'modified', terminating, cm({ a: '1' }), 'Correct', false, true],
  ['opted out live', 'modified', cm({ a: '2' }, ignore), cm({ a: '1' }), 'Correct', false, false],
  ['opted out in Git', 'modified', cm({ a: '2' }), cm({ a: '1' }, ignore), 'Correct', false, false],
  [
    'opted out in Git, deleted',
    'deleted',
    cm({ a: '1' }),
    cm({ a: '1' }, ignore),
    'Correct',
    false,
    false,
  ],
  [
    'opted out live, deleted: the opt-out went with it',
    'deleted',
    cm({ a: '1' }, ignore),
    cm({ a: '1' }),
    'Correct',
    false,
    true,
  ],
  ['Ignore mode', 'modified', cm({ a: '2' }), cm({ a: '1' }), 'Ignore', false, false],
  ['Ignore mode, deleted', 'deleted', cm({ a: '1' }), cm({ a: '1' }), 'Ignore', false, false],
  ['reported drift may end', 'modified', cm({ a: '1' }), cm({ a: '1' }), 'Alert', true, true],
  [
    'a finished Job removed by its TTL, even in Ignore mode',
    'deleted',
    finishedJob,
    finishedJob,
    'Ignore',
    false,
    true,
  ],
];

for (const [name, type, live, desired, mode, reportsDrift, wakes] of cases) {
  test(`wakesSync: ${name}`, () => {
    assert.equal(wakesSync({ type, live, desired, mode, reportsDrift }), wakes);
  });
}
