import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInProcess } from '../test-helpers.ts';
import { leaderElectionConfig } from './leader-election.ts';

const defaults = {
  leaderElectLeaseName: 'moor-operator-leader',
  leaderElectLeaseDuration: 15_000,
  leaderElectRenewDeadline: 10_000,
  leaderElectRetryPeriod: 2_000,
};

void test('the Lease defaults to the watched namespace, else moor-system; identities are unique', () => {
  const scoped = leaderElectionConfig(defaults, 'apps');
  assert.equal(scoped.leaseNamespace, 'apps');
  assert.equal(scoped.leaseName, 'moor-operator-leader');
  assert.deepEqual(scoped.timings, {
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
  });
  assert.equal(leaderElectionConfig(defaults, undefined).leaseNamespace, 'moor-system');
  const a = leaderElectionConfig(defaults, undefined).identity;
  const b = leaderElectionConfig(defaults, undefined).identity;
  assert.match(a, /^.+_[0-9a-f]{8}$/);
  assert.notEqual(a, b, 'two processes on one host get two identities');
  const given = leaderElectionConfig(
    { ...defaults, leaderElectNamespace: 'moor-system', leaderElectIdentity: 'moor-operator-7d9f' },
    'apps',
  );
  assert.equal(given.leaseNamespace, 'moor-system');
  assert.equal(given.identity, 'moor-operator-7d9f');
});

void test('moor operator refuses lease timings that could let two operators lead, before connecting', async () => {
  const cases: ReadonlyArray<[string[], RegExp]> = [
    [['--leader-elect-lease-duration', '5s'], /must be longer than the renew deadline/],
    [['--leader-elect-retry-period', '9s'], /1.2 × the retry period/],
    [['--leader-elect-renew-deadline', 'soon'], /invalid duration "soon"/],
  ];
  for (const [flags, message] of cases) {
    const run = await runInProcess(['operator', '--leader-elect', ...flags]);
    assert.equal(run.code, 2, flags.join(' '));
    assert.match(run.stderr, message, flags.join(' '));
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  }
});
