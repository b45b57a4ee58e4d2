// Which revision `moor rollback` goes back to, its commit message, and when a pin is done.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistoryRecord } from '../controller/index.ts';
import { assessPinWait, rollbackMessage, rollbackTarget } from './rollback-target.ts';

const rev = (c: string) => `main@sha1:${c.repeat(40)}`;
const rec = (c: string, result: string, health = 'Healthy'): HistoryRecord => ({
  revision: rev(c),
  startedAt: '2026-12-01T12:00:00Z',
  result,
  health,
  created: 0,
  configured: 0,
  deleted: 0,
  commit: { author: 'A <a@example.com>', message: `commit ${c}` },
});
const records = [rec('3', 'Failed', 'Unhealthy'), rec('2', 'Succeeded'), rec('1', 'Succeeded')];
const known: Parameters<typeof rollbackTarget>[1] = {
  subject: 'Sync/apps/web',
  current: rev('3'),
  records,
  lastHealthy: undefined,
};

const cases: [string, string | undefined, Partial<typeof known>, string | RegExp][] = [
  ['the last healthy before the current', undefined, {}, rev('2')],
  ['skips the current even when healthy', undefined, { current: rev('2') }, rev('1')],
  ['--to a prefix in the history', 'aaaaaaa'.replace(/a/g, '1'), {}, rev('1')],
  ['--to a full revision', rev('2'), {}, rev('2')],
  ['--to a full sha not in the history', 'e'.repeat(40), {}, 'e'.repeat(40)],
  ['--to a short sha not in the history', 'eeeeeee', {}, /no apply of eeeeeee/],
  ['--to the current revision', '3333333', {}, /is the revision applied now/],
  ['--to nonsense', 'main', {}, /expected a revision/],
  [
    'no history: status.lastHealthyRevision',
    undefined,
    { records: [], lastHealthy: rev('1') },
    rev('1'),
  ],
  [
    'nothing healthy before',
    undefined,
    { records: [records[0] as HistoryRecord] },
    /no earlier revision/,
  ],
];
for (const [name, to, over, want] of cases) {
  test(`rollback target: ${name}`, () => {
    const k = { ...known, ...over };
    if (typeof want === 'string') assert.equal(rollbackTarget(to, k).revision, want);
    else assert.throws(() => rollbackTarget(to, k), want);
  });
}

test('the commit message names what is rolled back, to what and why', () => {
  const target = rollbackTarget(undefined, known);
  const message = rollbackMessage({
    subject: 'Sync/apps/web',
    target,
    current: rev('3'),
    path: 'deploy',
    reason: 'web 3 crashes',
  });
  assert.match(message, /^Roll back Sync\/apps\/web to 222222222222\n/);
  assert.match(message, /Restores deploy as it was at 2{40} \("commit 2"\)/);
  assert.match(message, /undoing what 333333333333 applied/);
  assert.match(message, /Reason: web 3 crashes\./);
});

const ready = (status: string, reason: string) => ({ status, reason, message: 'm' });
for (const [name, view, want] of [
  [
    'not observed yet',
    { generation: 2, observedGeneration: 1, applied: rev('1'), ready: ready('True', 'Succeeded') },
    'waiting',
  ],
  [
    'another revision applied',
    { generation: 2, observedGeneration: 2, applied: rev('2'), ready: ready('True', 'Succeeded') },
    'waiting',
  ],
  [
    'applied and Ready',
    { generation: 2, observedGeneration: 2, applied: rev('1'), ready: ready('True', 'Succeeded') },
    'done',
  ],
  [
    'applied and failing',
    {
      generation: 2,
      observedGeneration: 2,
      applied: rev('1'),
      ready: ready('False', 'HealthCheckFailed'),
    },
    'failed',
  ],
] as const) {
  test(`pin wait: ${name}`, () => {
    assert.equal(assessPinWait(view, '1'.repeat(40)).phase, want);
  });
}
