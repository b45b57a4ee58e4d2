import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideTeardown, type TeardownInput } from './teardown-decide.ts';

const deletedAt = new Date('2026-01-01T12:00:00Z');
const at = (s: number) => new Date(deletedAt.getTime() + s * 1000);
const base: TeardownInput = {
  pass: { deleted: 3, orphaned: 0, left: 0, remaining: [], failures: [] },
  policy: 'Delete',
  suspended: false,
  conditions: undefined,
  generation: 2,
  deletedAt,
  now: at(1),
  timeoutMs: 60_000,
};
const held = { id: 'ConfigMap/app/held', finalizers: ['example.com/hold'] };

const cases: {
  name: string;
  input: Partial<TeardownInput>;
  done: boolean;
  reason?: string;
  stalled?: boolean;
  event?: string;
  message?: RegExp;
}[] = [
  { name: 'all gone: done', input: {}, done: true, event: 'Deleted' },
  {
    name: 'orphaned: done, says so',
    input: { policy: 'Orphan', pass: { ...base.pass, orphaned: 3 } },
    done: true,
    event: 'Orphaned',
    message: /3 objects orphaned/,
  },
  {
    name: 'suspended: orphaned, and why',
    input: { suspended: true, pass: { ...base.pass, orphaned: 2 } },
    done: true,
    event: 'Orphaned',
    message: /suspended/,
  },
  {
    name: 'waiting within the timeout: Reconciling, no event',
    input: { pass: { ...base.pass, remaining: [held] } },
    done: false,
    reason: 'Deleting',
    stalled: false,
    message: /waiting for 1 objects to go: ConfigMap\/app\/held \(finalizers: example.com\/hold\)/,
  },
  {
    name: 'past the timeout: Stalled, a warning, and the way out',
    input: { now: at(61), pass: { ...base.pass, remaining: [held] } },
    done: false,
    reason: 'DeletionStalled',
    stalled: true,
    event: 'DeletionStalled',
    message: /still present 60s after.*spec.deletionPolicy: Orphan/,
  },
  {
    name: 'a request refused: DeletionFailed names it',
    input: { pass: { ...base.pass, failures: ['Secret/app/s: forbidden'] } },
    done: false,
    reason: 'DeletionFailed',
    stalled: true,
    event: 'DeletionFailed',
    message: /Secret\/app\/s: forbidden/,
  },
];

for (const c of cases) {
  void test(`decideTeardown: ${c.name}`, () => {
    const d = decideTeardown({ ...base, ...c.input });
    assert.equal(d.done, c.done);
    assert.equal(d.event?.reason, c.event);
    if (c.message) {
      const text = d.done
        ? d.event.message
        : (d.conditions.find((x) => x.type === 'Ready')?.message ?? '');
      assert.match(text, c.message);
    }
    if (d.done) return;
    const ready = d.conditions.find((x) => x.type === 'Ready');
    assert.equal(ready?.status, 'False');
    assert.equal(ready?.reason, c.reason);
    assert.equal(ready?.observedGeneration, 2);
    const stalled = d.conditions.some((x) => x.type === 'Stalled' && x.status === 'True');
    const reconciling = d.conditions.some((x) => x.type === 'Reconciling');
    assert.equal(stalled, c.stalled);
    assert.equal(reconciling, !c.stalled);
  });
}

test('decideTeardown: a stall already reported is not reported again', () => {
  const input = { ...base, now: at(61), pass: { ...base.pass, remaining: [held] } };
  const first = decideTeardown(input);
  assert.ok(!first.done && first.event);
  const second = decideTeardown({ ...input, now: at(91), conditions: first.conditions });
  assert.ok(!second.done && second.event === undefined);
  assert.equal(second.requeueMs, 30_000);
});
