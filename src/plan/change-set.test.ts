import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChangeAction, ChangeSet } from './index.ts';
import { formatChangeSummary, summarizeChangeSet } from './index.ts';

const changeSet = (...actions: ChangeAction[]): ChangeSet => ({
  entries: actions.map((action, i) => ({
    id: { group: '', kind: 'ConfigMap', namespace: 'prod', name: `c${i}` },
    version: 'v1',
    action,
    message: action === 'failed' ? 'admission webhook denied the request' : '',
  })),
});

const cases: { name: string; changeSet: ChangeSet; summary: string }[] = [
  {
    name: 'counts in the fixed action order, zero counts left out',
    changeSet: changeSet('deleted', 'created', 'configured', 'created', 'deleted', 'created'),
    summary: '3 created, 1 configured, 2 deleted',
  },
  {
    name: 'a reapply of the same revision',
    changeSet: changeSet('unchanged', 'unchanged'),
    summary: '2 unchanged',
  },
  {
    name: 'failures and skips are counted',
    changeSet: changeSet('failed', 'skipped', 'unchanged'),
    summary: '1 unchanged, 1 skipped, 1 failed',
  },
  { name: 'an empty change set', changeSet: changeSet(), summary: 'no objects' },
];

for (const c of cases) {
  void test(`formatChangeSummary: ${c.name}`, () => {
    assert.equal(formatChangeSummary(summarizeChangeSet(c.changeSet)), c.summary);
  });
}

test('summarizeChangeSet counts every action, zero included', () => {
  assert.deepEqual(summarizeChangeSet(changeSet('created', 'failed', 'created')), {
    created: 2,
    configured: 0,
    unchanged: 0,
    deleted: 0,
    skipped: 0,
    failed: 1,
  });
});
