import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../core/index.ts';
import { checkDrift, checkMissing, isLeftAlone } from './drift-check.ts';

const cm = (data: Record<string, string>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'n', ...(annotations ? { annotations } : {}) },
  data,
});

const t0 = new Date('2026-11-26T12:00:00.000Z');
const t1 = new Date('2026-11-26T12:05:00Z');

test('no drift: no status, nothing drifted', () => {
  const desired = [cm({ a: '1' })];
  const r = checkDrift(desired, () => cm({ a: '1', extra: 'x' }), undefined, t0);
  assert.equal(r.status, undefined);
  assert.deepEqual(r.drifted, []);
});

test('a changed value is reported with the time it was first seen, kept across checks', () => {
  const desired = [cm({ a: '1' })];
  const first = checkDrift(desired, () => cm({ a: '2' }), undefined, t0);
  assert.equal(first.drifted.length, 1);
  assert.equal(first.status?.since, '2026-11-26T12:00:00.000Z');
  assert.equal(first.status?.objects?.[0]?.fields?.[0]?.path, 'data.a');
  assert.equal(first.status?.objects?.[0]?.fields?.[0]?.since, '2026-11-26T12:00:00.000Z');
  assert.match(first.summary[0] ?? '', /ConfigMap\/n\/c: data\.a/);
  const later = checkDrift(desired, () => cm({ a: '3' }), first.status, t1);
  assert.equal(later.status?.since, '2026-11-26T12:00:00.000Z');
  assert.equal(later.status?.objects?.[0]?.fields?.[0]?.since, '2026-11-26T12:00:00.000Z');
});

test('a deleted object is drift; an opted-out object is not', () => {
  const gone = checkDrift([cm({ a: '1' })], () => undefined, undefined, t0);
  assert.equal(gone.status?.objects?.[0]?.deleted, true);
  const terminating = {
    ...cm({ a: '1' }),
    metadata: { name: 'c', namespace: 'n', deletionTimestamp: 't' },
  };
  const going = checkDrift([cm({ a: '1' })], () => terminating, undefined, t0);
  assert.equal(going.status?.objects?.[0]?.deleted, true);
  assert.match(going.summary[0] ?? '', /ConfigMap\/n\/c: deleted/);
  const optedOut = checkDrift(
    [cm({ a: '1' }, { 'moor.dev/drift': 'ignore' })],
    () => cm({ a: '2' }),
    undefined,
    t0,
  );
  assert.equal(optedOut.status, undefined);
  const liveOptOut = checkDrift(
    [cm({ a: '1' })],
    () => cm({ a: '2' }, { 'moor.dev/drift': 'ignore' }),
    undefined,
    t0,
  );
  assert.equal(liveOptOut.status, undefined);
});

test('isLeftAlone: an opted-out object stays as it is live until Git changes it', () => {
  const desired = cm({ a: '1' });
  const optedIn = cm({ a: '1' }, { 'moor.dev/drift': 'ignore' });
  const live = cm({ a: '2' }, { 'moor.dev/drift': 'ignore' });
  const cases: [
    string,
    KubeObject,
    KubeObject | undefined,
    KubeObject | undefined,
    boolean,
    boolean,
  ][] = [
    ['not opted out', desired, cm({ a: '2' }), desired, false, false],
    ['opted out live, same revision', desired, live, desired, false, true],
    ['opted out in Git, same revision', optedIn, cm({ a: '2' }), optedIn, false, true],
    ['opted out in Git, deleted, same revision', optedIn, undefined, optedIn, false, true],
    [
      'opted out live, deleted: the opt-out went with it',
      desired,
      undefined,
      desired,
      false,
      false,
    ],
    ['new revision, the object unchanged in Git', desired, live, desired, true, true],
    ['new revision, the object changed in Git', cm({ a: '3' }), live, desired, true, false],
    ['new revision, the previous rendering unknown', desired, live, undefined, true, false],
  ];
  for (const [name, d, l, previous, newState, want] of cases)
    assert.equal(isLeftAlone(d, l, previous, newState), want, name);
});

test('checkMissing: only what is gone or being deleted, not changed fields', () => {
  const desired = [cm({ a: '1' }), { ...cm({ a: '1' }), metadata: { name: 'd', namespace: 'n' } }];
  const live = (o: KubeObject): KubeObject | undefined =>
    o.metadata.name === 'c' ? cm({ a: 'changed' }) : undefined;
  const r = checkMissing(desired, live, undefined, t0);
  assert.deepEqual(r.summary, ['ConfigMap/n/d: deleted']);
  const terminating = checkMissing(
    [cm({ a: '1' })],
    () => ({ ...cm({ a: '1' }), metadata: { name: 'c', namespace: 'n', deletionTimestamp: 't' } }),
    undefined,
    t0,
  );
  assert.deepEqual(terminating.summary, ['ConfigMap/n/c: deleted']);
});
