import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ConditionReasons,
  ConditionTypes,
  formatConditionTime,
  getCondition,
  isConditionCurrent,
  isConditionFalse,
  isConditionTrue,
  removeCondition,
  setCondition,
  type Condition,
} from './conditions.ts';

const t0 = new Date('2024-05-01T12:00:00.123Z');
const t1 = new Date('2024-05-01T12:03:00.999Z');

const ready = (status: Condition['status'], reason: string, message: string) => ({
  type: ConditionTypes.Ready,
  status,
  reason,
  message,
  observedGeneration: 2,
});

test('setCondition appends a new condition stamped with now at second precision', () => {
  const list = setCondition(
    undefined,
    ready('Unknown', ConditionReasons.Progressing, 'fetching'),
    t0,
  );
  assert.deepEqual(list, [
    {
      type: 'Ready',
      status: 'Unknown',
      reason: 'Progressing',
      message: 'fetching',
      lastTransitionTime: '2024-05-01T12:00:00Z',
      observedGeneration: 2,
    },
  ]);
});

test('lastTransitionTime moves only when the status changes', () => {
  const cases: ReadonlyArray<{
    name: string;
    from: Condition['status'];
    to: Condition['status'];
    time: string;
  }> = [
    {
      name: 'same status keeps the time',
      from: 'False',
      to: 'False',
      time: '2024-05-01T12:00:00Z',
    },
    { name: 'False to True moves it', from: 'False', to: 'True', time: '2024-05-01T12:03:00Z' },
    { name: 'True to Unknown moves it', from: 'True', to: 'Unknown', time: '2024-05-01T12:03:00Z' },
  ];
  for (const c of cases) {
    const before = setCondition([], ready(c.from, 'ApplyFailed', 'first'), t0);
    const after = setCondition(before, ready(c.to, 'Succeeded', 'second'), t1);
    const cond = getCondition(after, 'Ready');
    assert.equal(cond?.lastTransitionTime, c.time, c.name);
    assert.equal(cond?.reason, 'Succeeded', c.name);
    assert.equal(cond?.message, 'second', c.name);
  }
});

test('setCondition replaces in place, keeps the others, and does not mutate its input', () => {
  const stalled = { type: 'Stalled', status: 'False', reason: 'Succeeded', message: '' } as const;
  const before = setCondition(
    setCondition([], ready('False', 'ApplyFailed', 'x'), t0),
    stalled,
    t0,
  );
  const frozen = structuredClone(before);
  const after = setCondition(before, ready('True', 'Succeeded', 'applied'), t1);
  assert.deepEqual(before, frozen);
  assert.deepEqual(
    after.map((c) => [c.type, c.status]),
    [
      ['Ready', 'True'],
      ['Stalled', 'False'],
    ],
  );
  assert.equal('observedGeneration' in (after[1] ?? {}), false);
});

test('readers answer for present and absent conditions', () => {
  const list = setCondition(
    setCondition([], ready('True', 'Succeeded', 'ok'), t0),
    { type: 'InSync', status: 'False', reason: 'Diverged', message: 'drift' },
    t0,
  );
  assert.equal(isConditionTrue(list, 'Ready'), true);
  assert.equal(isConditionTrue(list, 'InSync'), false);
  assert.equal(isConditionFalse(list, 'InSync'), true);
  assert.equal(isConditionTrue(list, 'Healthy'), false);
  assert.equal(isConditionFalse(list, 'Healthy'), false);
  assert.equal(isConditionTrue(undefined, 'Ready'), false);
  assert.equal(getCondition(undefined, 'Ready'), undefined);
  assert.deepEqual(
    removeCondition(list, 'Ready').map((c) => c.type),
    ['InSync'],
  );
  assert.equal(isConditionCurrent(getCondition(list, 'Ready'), 2), true);
  assert.equal(isConditionCurrent(getCondition(list, 'Ready'), 3), false);
  assert.equal(isConditionCurrent(getCondition(list, 'InSync'), 2), false);
});

test('formatConditionTime writes metav1.Time', () => {
  assert.equal(
    formatConditionTime(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))),
    '2024-01-02T03:04:05Z',
  );
});
