import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  checkLeaseTimings,
  DEFAULT_LEASE_TIMINGS,
  decideLease,
  formatMicroTime,
  observeLease,
  readLeaseSpec,
  releasedLease,
  retryDelayMs,
  standbyDelayMs,
  stillLeading,
  TAKEOVER_MARGIN_MS,
  type LeaseDecision,
  type LeaseObservation,
  type LeaseSpec,
} from './decide.ts';

const T0 = Date.parse('2026-12-01T09:00:00.000Z');
const at = (s: number): number => T0 + s * 1000;
const micro = (s: number): string => formatMicroTime(at(s));

const held = (holder: string, spec: Partial<LeaseSpec> = {}): LeaseSpec => ({
  holderIdentity: holder,
  leaseDurationSeconds: 15,
  acquireTime: micro(-100),
  renewTime: micro(-1),
  leaseTransitions: 3,
  ...spec,
});
const seen = (spec: LeaseSpec, observedAtS: number): LeaseObservation => ({
  spec,
  resourceVersion: '42',
  observedAtMs: at(observedAtS),
});

type Row = {
  readonly name: string;
  readonly nowS: number;
  readonly observation: LeaseObservation | undefined;
  readonly expected: LeaseDecision;
};

const rows: Row[] = [
  {
    name: 'no Lease: create it, holding it, with no transitions yet',
    nowS: 0,
    observation: undefined,
    expected: {
      action: 'create',
      spec: {
        holderIdentity: 'me',
        leaseDurationSeconds: 15,
        acquireTime: micro(0),
        renewTime: micro(0),
        leaseTransitions: 0,
      },
    },
  },
  {
    name: 'held by me: renew, keeping the acquire time and the transitions',
    nowS: 2,
    observation: seen(held('me'), 0),
    expected: {
      action: 'update',
      acquired: false,
      spec: { ...held('me'), renewTime: micro(2) },
    },
  },
  {
    name: 'held by another, seen renewed 14.9 s ago: wait until 15 s after that sighting',
    nowS: 14.9,
    observation: seen(held('other'), 0),
    expected: { action: 'wait', holder: 'other', expiresAtMs: at(15) },
  },
  {
    name: 'held by another, unchanged for the whole lease duration: take it over',
    nowS: 15,
    observation: seen(held('other'), 0),
    expected: {
      action: 'update',
      acquired: true,
      spec: {
        holderIdentity: 'me',
        leaseDurationSeconds: 15,
        acquireTime: micro(15),
        renewTime: micro(15),
        leaseTransitions: 4,
      },
    },
  },
  {
    name: "the holder's own lease duration counts, not mine (a 1 s lease expires after 1 s)",
    nowS: 1,
    observation: seen(held('other', { leaseDurationSeconds: 1 }), 0),
    expected: {
      action: 'update',
      acquired: true,
      spec: {
        holderIdentity: 'me',
        leaseDurationSeconds: 15,
        acquireTime: micro(1),
        renewTime: micro(1),
        leaseTransitions: 4,
      },
    },
  },
  {
    name: 'released (empty holder): take it at once, however recent the sighting',
    nowS: 0,
    observation: seen(releasedLease(held('other'), at(0)), 0),
    expected: {
      action: 'update',
      acquired: true,
      spec: {
        holderIdentity: 'me',
        leaseDurationSeconds: 15,
        acquireTime: micro(0),
        renewTime: micro(0),
        leaseTransitions: 4,
      },
    },
  },
  {
    name: 'a Lease with no holder and no fields at all: take it, first transition',
    nowS: 0,
    observation: seen({}, 0),
    expected: {
      action: 'update',
      acquired: true,
      spec: {
        holderIdentity: 'me',
        leaseDurationSeconds: 15,
        acquireTime: micro(0),
        renewTime: micro(0),
        leaseTransitions: 1,
      },
    },
  },
  {
    name: "the server's renewTime in the past does not matter: only this process's sighting does",
    nowS: 5,
    observation: seen(held('other', { renewTime: micro(-3600) }), 0),
    expected: { action: 'wait', holder: 'other', expiresAtMs: at(15) },
  },
];

for (const row of rows) {
  void test(`decideLease: ${row.name}`, () => {
    const decision = decideLease({
      identity: 'me',
      nowMs: at(row.nowS),
      observation: row.observation,
      leaseDurationMs: DEFAULT_LEASE_TIMINGS.leaseDurationMs,
    });
    assert.deepEqual(decision, row.expected);
  });
}

void test('observeLease: the expiry clock restarts only when the resourceVersion changes', () => {
  const first = observeLease(undefined, { spec: held('other'), resourceVersion: '1' }, at(0));
  assert.equal(first.observedAtMs, at(0));
  const same = observeLease(first, { spec: held('other'), resourceVersion: '1' }, at(10));
  assert.equal(same.observedAtMs, at(0), 'an unrenewed Lease keeps its first sighting');
  const renewed = observeLease(same, { spec: held('other'), resourceVersion: '2' }, at(12));
  assert.equal(renewed.observedAtMs, at(12));
});

void test('stillLeading: a leader stops at its renew deadline, not a moment later', () => {
  const table: [lastRenewS: number, nowS: number, leading: boolean][] = [
    [0, 0, true],
    [0, 9.999, true],
    [0, 10, false],
    [0, 60, false],
    [5, 14, true],
  ];
  for (const [lastRenewS, nowS, leading] of table) {
    assert.equal(
      stillLeading({ lastRenewAtMs: at(lastRenewS), nowMs: at(nowS), renewDeadlineMs: 10_000 }),
      leading,
      `renewed at ${lastRenewS}s, now ${nowS}s`,
    );
  }
});

void test('a leader that stops at its deadline stops before any standby may take over', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2_000 }),
      fc.integer({ min: 0, max: 30_000 }),
      (sightingLagMs, elapsedMs) => {
        // The standby sees the last renew up to a retry period after it happened.
        const renewedAt = at(0);
        const observation = seen(held('leader'), 0);
        const decision = decideLease({
          identity: 'standby',
          nowMs: renewedAt + sightingLagMs + elapsedMs,
          observation: { ...observation, observedAtMs: renewedAt + sightingLagMs },
          leaseDurationMs: DEFAULT_LEASE_TIMINGS.leaseDurationMs,
        });
        const leaderLeads = stillLeading({
          lastRenewAtMs: renewedAt,
          nowMs: renewedAt + sightingLagMs + elapsedMs,
          renewDeadlineMs: DEFAULT_LEASE_TIMINGS.renewDeadlineMs,
        });
        return !(leaderLeads && decision.action !== 'wait');
      },
    ),
  );
});

void test('formatMicroTime writes six fractional digits, as the API server requires', () => {
  assert.equal(
    formatMicroTime(Date.parse('2026-12-01T09:00:01.234Z')),
    '2026-12-01T09:00:01.234000Z',
  );
  assert.equal(formatMicroTime(T0 + 0.7), '2026-12-01T09:00:00.000000Z');
});

void test('retryDelayMs: leaders renew every retry period, standbys wait up to 20% longer', () => {
  assert.equal(retryDelayMs(DEFAULT_LEASE_TIMINGS, true, 0.9), 2000);
  assert.equal(retryDelayMs(DEFAULT_LEASE_TIMINGS, false, 0), 2000);
  assert.equal(retryDelayMs(DEFAULT_LEASE_TIMINGS, false, 1), 2400);
});

void test('standbyDelayMs: a standby wakes just past the expiry it saw when that is sooner', () => {
  const table: [name: string, expiresInMs: number | undefined, random: number, delay: number][] = [
    ['no Lease held by another: the jittered retry period', undefined, 0.5, 2200],
    ['expiry far off: the jittered retry period', 14_000, 1, 2400],
    ['expiry within a retry period: just past it', 700, 1, 700 + TAKEOVER_MARGIN_MS],
    ['expiry now: the margin only', 0, 0, TAKEOVER_MARGIN_MS],
    ['expired a while ago: at once', -5_000, 0, 0],
  ];
  for (const [name, expiresInMs, random, delay] of table) {
    const nowMs = at(20);
    const expiresAtMs = expiresInMs === undefined ? undefined : nowMs + expiresInMs;
    assert.equal(
      standbyDelayMs({ timings: DEFAULT_LEASE_TIMINGS, expiresAtMs, nowMs, random }),
      delay,
      name,
    );
  }
});

void test('a standby waking when standbyDelayMs says takes the Lease only once it expired', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 30_000 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (sinceSightingMs, random) => {
        const observation = seen(held('leader'), 0);
        const nowMs = at(0) + sinceSightingMs;
        const asleep = { timings: DEFAULT_LEASE_TIMINGS, nowMs, random };
        const first = decideLease({
          identity: 'standby',
          nowMs,
          observation,
          leaseDurationMs: DEFAULT_LEASE_TIMINGS.leaseDurationMs,
        });
        const expiresAtMs = first.action === 'wait' ? first.expiresAtMs : undefined;
        const wakeMs = nowMs + standbyDelayMs({ ...asleep, expiresAtMs });
        const next = decideLease({
          identity: 'standby',
          nowMs: wakeMs,
          observation,
          leaseDurationMs: DEFAULT_LEASE_TIMINGS.leaseDurationMs,
        });
        const expiry = at(15);
        // Never before the expiry; and a wait that ends past the expiry is followed by a take-over.
        if (next.action !== 'wait') return wakeMs >= expiry;
        return wakeMs < expiry;
      },
    ),
  );
});

void test('checkLeaseTimings accepts the defaults and refuses timings that let two lead', () => {
  assert.ok(checkLeaseTimings(DEFAULT_LEASE_TIMINGS).ok);
  const table: [lease: number, deadline: number, retry: number, reason: RegExp][] = [
    [10_000, 10_000, 2_000, /longer than the renew deadline/],
    [15_000, 2_000, 2_000, /1.2 × the retry period/],
    [500, 400, 100, /at least 1s/],
    [15_000, 10_000, 0, /positive/],
    [Number.NaN, 10_000, 2_000, /positive/],
  ];
  for (const [lease, deadline, retry, reason] of table) {
    const checked = checkLeaseTimings({
      leaseDurationMs: lease,
      renewDeadlineMs: deadline,
      retryPeriodMs: retry,
    });
    assert.ok(!checked.ok, `${lease}/${deadline}/${retry} accepted`);
    assert.match(checked.error.message, reason);
    assert.match(checked.error.message, /^leader election: lease duration/);
  }
});

void test('readLeaseSpec keeps the fields leader election uses, each only with the right type', () => {
  assert.deepEqual(
    readLeaseSpec({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      renewTime: micro(0),
      leaseTransitions: 'two',
      preferredHolder: 'b',
    }),
    { holderIdentity: 'a', leaseDurationSeconds: 15, renewTime: micro(0) },
  );
  assert.deepEqual(readLeaseSpec(undefined), {});
  assert.deepEqual(readLeaseSpec('nonsense'), {});
});
