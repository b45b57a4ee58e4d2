// Electors on one Lease of the real control plane: one leads, a release hands over within a retry
// period, a leader whose renews fail stops at its renew deadline, a standby takes over just after
// the lease duration from the last renew, and two never lead at once.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { clusterTest as test, testCluster, testNamespace } from '../../../test/helpers/cluster.ts';
import { err, type LogFn, type Logger } from '../../core/index.ts';
import { createKubeClient, KubeError, type KubeClient } from '../../kube/index.ts';
import { systemClock } from '../types.ts';
import type { LeaseTimings } from './decide.ts';
import { LeadershipLostError, startLeaderElection, type Leadership } from './elector.ts';

const TIMINGS: LeaseTimings = {
  leaseDurationMs: 3_000,
  renewDeadlineMs: 2_000,
  retryPeriodMs: 500,
};
const LEASE = 'elector-test';

/** A logger that keeps every message, for asserting the lines an operator would log. */
function recordingLogger(lines: string[]): Logger {
  const log: LogFn = (a: object | string, b?: string) => {
    lines.push(typeof a === 'string' ? a : (b ?? ''));
  };
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return logger;
}

type Elector = Leadership & { readonly lines: string[] };

function elect(
  t: TestContext,
  kube: KubeClient,
  ns: string,
  identity: string,
  timings: LeaseTimings = TIMINGS,
): Elector {
  const lines: string[] = [];
  const leadership = startLeaderElection({
    kube,
    clock: systemClock,
    logger: recordingLogger(lines),
    random: Math.random,
    config: { leaseName: LEASE, leaseNamespace: ns, identity, timings },
  });
  t.after(() => leadership.release());
  return { ...leadership, lines };
}

async function holderOf(kube: KubeClient, ns: string): Promise<Record<string, unknown>> {
  const got = await kube.get(
    { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: ns, name: LEASE },
    AbortSignal.timeout(10_000),
  );
  if (!got.ok) throw got.error;
  return (got.value?.spec ?? {}) as Record<string, unknown>;
}

/** Samples both electors every 10 ms until `until` resolves; fails if both ever lead at once. */
async function neverBoth(a: Leadership, b: Leadership, until: Promise<unknown>): Promise<void> {
  let finished = false;
  void until.finally(() => (finished = true));
  for (let i = 0; i < 3_000 && !finished; i++) {
    assert.ok(!(a.isLeading() && b.isLeading()), 'two electors lead at once');
    await sleep(10);
  }
  await until;
}

const kubeOf = (): KubeClient => createKubeClient({ kubeconfig: testCluster().kubeconfig });
const within = (ms: number): AbortSignal => AbortSignal.timeout(ms);

test('one of two electors leads; its release hands the Lease over within a retry period', async (t) => {
  const kube = kubeOf();
  const ns = await testNamespace(t, 'leader-release');
  const first = elect(t, kube, ns, 'first');
  assert.equal(await first.whenLeading(within(10_000)), true);
  assert.ok(first.lines.includes('became leader'));
  const second = elect(t, kube, ns, 'second');
  await sleep(TIMINGS.leaseDurationMs / 2);
  assert.equal(second.isLeading(), false, 'a standby leads while the Lease is renewed');
  assert.equal((await holderOf(kube, ns)).holderIdentity, 'first');

  const started = performance.now();
  await first.release();
  assert.equal(first.isLeading(), false);
  assert.equal(await second.whenLeading(within(10_000)), true);
  const handoverMs = performance.now() - started;
  t.diagnostic(`hand-over after release: ${Math.round(handoverMs)} ms`);
  assert.ok(handoverMs < TIMINGS.retryPeriodMs * 1.2 + 1_000, `${Math.round(handoverMs)} ms`);
  const spec = await holderOf(kube, ns);
  assert.equal(spec.holderIdentity, 'second');
  assert.equal(spec.leaseTransitions, 1);
  assert.equal(spec.leaseDurationSeconds, 3);
  assert.match(String(spec.renewTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
});

test('two electors starting together on no Lease: exactly one wins the race', async (t) => {
  const kube = kubeOf();
  const ns = await testNamespace(t, 'leader-race');
  const a = elect(t, kube, ns, 'a');
  const b = elect(t, kube, ns, 'b');
  const either = Promise.race([a.whenLeading(within(10_000)), b.whenLeading(within(10_000))]);
  await neverBoth(
    a,
    b,
    either.then(() => sleep(TIMINGS.leaseDurationMs)),
  );
  assert.equal(Number(a.isLeading()) + Number(b.isLeading()), 1);
  const holder = (await holderOf(kube, ns)).holderIdentity;
  assert.equal(holder, a.isLeading() ? 'a' : 'b');
});

test('a leader whose renews fail stops at its renew deadline, before a standby takes over', async (t) => {
  const kube = kubeOf();
  const ns = await testNamespace(t, 'leader-deadline');
  let failing = false;
  const flaky: KubeClient = {
    ...kube,
    update: (obj, signal) =>
      failing
        ? Promise.resolve(
            err(
              new KubeError('Unavailable', 'update Lease: unreachable', {
                verb: 'update',
                subject: 'Lease',
              }),
            ),
          )
        : kube.update(obj, signal),
  };
  const leader = elect(t, flaky, ns, 'leader');
  assert.equal(await leader.whenLeading(within(10_000)), true);
  const standby = elect(t, kube, ns, 'standby');
  await sleep(TIMINGS.retryPeriodMs * 2);

  failing = true;
  const cutAt = performance.now();
  const lost = new Promise<number>((resolve) =>
    leader.lost.addEventListener('abort', () => resolve(performance.now() - cutAt), { once: true }),
  );
  const takeover = standby.whenLeading(within(20_000)).then(() => performance.now() - cutAt);
  await neverBoth(leader, standby, takeover);
  const lostMs = await lost;
  const takeoverMs = await takeover;
  t.diagnostic(
    `renews failing: lost after ${Math.round(lostMs)} ms, taken over after ${Math.round(takeoverMs)} ms`,
  );
  assert.ok(leader.lost.reason instanceof LeadershipLostError);
  assert.match(
    (leader.lost.reason as Error).message,
    /Lease leader-deadline-\w+\/elector-test: leader lost leadership/,
  );
  assert.ok(leader.lines.includes('lost leadership'));
  // The last successful renew was at most one retry period before the cut.
  assert.ok(
    lostMs <= TIMINGS.renewDeadlineMs + TIMINGS.retryPeriodMs,
    `lost after ${Math.round(lostMs)} ms`,
  );
  assert.ok(takeoverMs > lostMs, 'the standby took over before the leader stopped');
  assert.equal(await leader.whenLeading(within(100)), false, 'a lost leader does not lead again');
});

/** A leader whose renews start failing (it dies), and a standby; when the standby led, after the last renew. */
async function takeOverAfterDeath(
  t: TestContext,
  ns: string,
  timings: LeaseTimings,
  standbyKube: KubeClient,
): Promise<{ sinceIssued: number; sinceDone: number; standby: Elector }> {
  const kube = kubeOf();
  let failing = false;
  let lastRenew = { issuedAt: 0, doneAt: 0 };
  const dying: KubeClient = {
    ...kube,
    update: async (obj, signal) => {
      if (failing)
        return err(
          new KubeError('Unavailable', 'update Lease: unreachable', {
            verb: 'update',
            subject: 'Lease',
          }),
        );
      const issuedAt = performance.now();
      const res = await kube.update(obj, signal);
      if (res.ok) lastRenew = { issuedAt, doneAt: performance.now() };
      return res;
    },
  };
  const leader = elect(t, dying, ns, 'leader', timings);
  assert.equal(await leader.whenLeading(within(10_000)), true);
  const standby = elect(t, standbyKube, ns, 'standby', timings);
  await sleep(timings.retryPeriodMs * 3);
  failing = true;
  assert.equal(await standby.whenLeading(within(20_000)), true);
  const ledAt = performance.now();
  return { sinceIssued: ledAt - lastRenew.issuedAt, sinceDone: ledAt - lastRenew.doneAt, standby };
}

// A long retry period: a standby that only polled would see the last renew up to 1.2 s late and
// try again up to 1.2 s after the expiry; one that watches tries 25 ms after it.
const SLOW_RETRY: LeaseTimings = {
  leaseDurationMs: 3_000,
  renewDeadlineMs: 2_000,
  retryPeriodMs: 1_000,
};

test('a standby takes over just after the lease duration from the last renew, not a retry later', async (t) => {
  const ns = await testNamespace(t, 'leader-expiry');
  const { sinceIssued, sinceDone } = await takeOverAfterDeath(t, ns, SLOW_RETRY, kubeOf());
  t.diagnostic(`take-over ${Math.round(sinceDone)} ms after the last renew (lease 3000 ms)`);
  assert.ok(
    sinceIssued >= SLOW_RETRY.leaseDurationMs,
    `led ${Math.round(sinceIssued)} ms after it`,
  );
  // A read and a write after the expiry, on a loaded machine: well under a retry period.
  assert.ok(
    sinceDone <= SLOW_RETRY.leaseDurationMs + 600,
    `led ${Math.round(sinceDone)} ms after it`,
  );
});

test('a standby that may not watch the Lease still takes over by polling, never early', async (t) => {
  const ns = await testNamespace(t, 'leader-nowatch');
  const kube = kubeOf();
  const noWatch: KubeClient = {
    ...kube,
    watch: () =>
      Promise.resolve(
        err(
          new KubeError('Forbidden', 'watch Lease: forbidden', { verb: 'watch', subject: 'Lease' }),
        ),
      ),
  };
  const { sinceIssued, sinceDone, standby } = await takeOverAfterDeath(t, ns, SLOW_RETRY, noWatch);
  t.diagnostic(`take-over without watch ${Math.round(sinceDone)} ms after the last renew`);
  assert.ok(
    sinceIssued >= SLOW_RETRY.leaseDurationMs,
    `led ${Math.round(sinceIssued)} ms after it`,
  );
  // Seen up to a jittered retry late, taken up to one later.
  const slowest = SLOW_RETRY.leaseDurationMs + 2 * 1.2 * SLOW_RETRY.retryPeriodMs + 1_000;
  assert.ok(sinceDone <= slowest, `led ${Math.round(sinceDone)} ms after it`);
  assert.ok(standby.lines.includes('lease not watched: renewals are seen at each poll only'));
});
