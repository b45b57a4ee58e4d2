/**
 * Leader election's decisions, as client-go's leaderelection makes them, without I/O: given what
 * this process last saw of the Lease and when (by its own clock, so clocks need not agree), may it
 * take the Lease, must it renew, or must it wait; and is a leader still within its renew deadline.
 */
import { err, MoorError, ok, type Result } from '../../core/index.ts';

/** The `spec` of a `coordination.k8s.io/v1` Lease, as leader election reads and writes it. */
export type LeaseSpec = {
  readonly holderIdentity?: string;
  readonly leaseDurationSeconds?: number;
  /** MicroTime (`2026-12-01T09:00:00.000000Z`). */
  readonly acquireTime?: string;
  readonly renewTime?: string;
  readonly leaseTransitions?: number;
};

export type LeaseTimings = {
  /** How long a standby waits, from the last change it saw, before it takes an unrenewed Lease. */
  readonly leaseDurationMs: number;
  /** How long a leader keeps leading without a successful renew. */
  readonly renewDeadlineMs: number;
  /** Time between attempts to acquire or renew. */
  readonly retryPeriodMs: number;
};

export const DEFAULT_LEASE_TIMINGS: LeaseTimings = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

/** Standbys wait between `retryPeriod` and this factor of it (client-go: JitterFactor 1.2). */
export const RETRY_JITTER = 0.2;

/** The Lease as this process last saw it, and when its own clock first saw that version. */
export type LeaseObservation = {
  readonly spec: LeaseSpec;
  readonly resourceVersion: string;
  readonly observedAtMs: number;
};

export const LeaseActions = { create: 'create', update: 'update', wait: 'wait' } as const;
export type LeaseAction = (typeof LeaseActions)[keyof typeof LeaseActions];

export type LeaseDecision =
  /** No Lease yet: create it, holding it. */
  | { readonly action: typeof LeaseActions.create; readonly spec: LeaseSpec }
  /** Write `spec` at the observed resourceVersion: a renew (`acquired` false) or a take-over. */
  | {
      readonly action: typeof LeaseActions.update;
      readonly spec: LeaseSpec;
      readonly acquired: boolean;
    }
  /** Someone else holds a Lease that has not expired in this process's view. */
  | {
      readonly action: typeof LeaseActions.wait;
      readonly holder: string;
      readonly expiresAtMs: number;
    };

export type LeaseInput = {
  readonly identity: string;
  readonly nowMs: number;
  /** Undefined when the Lease does not exist. */
  readonly observation: LeaseObservation | undefined;
  readonly leaseDurationMs: number;
};

/** Go's `metav1.MicroTime` text: RFC 3339 with exactly six fractional digits, in UTC. */
export function formatMicroTime(ms: number): string {
  const iso = new Date(Math.floor(ms)).toISOString();
  return `${iso.slice(0, -1)}000Z`;
}

/** The fields of a Lease's `spec` that leader election uses, each only when of the right type. */
export function readLeaseSpec(spec: unknown): LeaseSpec {
  const s = (spec && typeof spec === 'object' ? spec : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const fields = {
    holderIdentity: text(s.holderIdentity),
    leaseDurationSeconds: num(s.leaseDurationSeconds),
    acquireTime: text(s.acquireTime),
    renewTime: text(s.renewTime),
    leaseTransitions: num(s.leaseTransitions),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

const durationSeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/** A newer resourceVersion restarts the expiry clock; the same one keeps the first sighting. */
export function observeLease(
  previous: LeaseObservation | undefined,
  seen: { readonly spec: LeaseSpec; readonly resourceVersion: string },
  nowMs: number,
): LeaseObservation {
  if (previous?.resourceVersion === seen.resourceVersion) return previous;
  return { spec: seen.spec, resourceVersion: seen.resourceVersion, observedAtMs: nowMs };
}

/** What to do with the Lease now. */
export function decideLease(input: LeaseInput): LeaseDecision {
  const { identity, nowMs, observation } = input;
  const now = formatMicroTime(nowMs);
  const leaseDurationSeconds = durationSeconds(input.leaseDurationMs);
  if (!observation) {
    return {
      action: LeaseActions.create,
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: 0,
      },
    };
  }
  const { spec } = observation;
  const holder = spec.holderIdentity ?? '';
  if (holder === identity) {
    return {
      action: LeaseActions.update,
      acquired: false,
      spec: { ...spec, leaseDurationSeconds, acquireTime: spec.acquireTime ?? now, renewTime: now },
    };
  }
  const heldForMs = (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
  const expiresAtMs = observation.observedAtMs + heldForMs;
  if (holder !== '' && expiresAtMs > nowMs) {
    return { action: LeaseActions.wait, holder, expiresAtMs };
  }
  return {
    action: LeaseActions.update,
    acquired: true,
    spec: {
      holderIdentity: identity,
      leaseDurationSeconds,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: (spec.leaseTransitions ?? 0) + 1,
    },
  };
}

/** The spec a leader writes when it steps down: no holder, so a standby takes it at once. */
export function releasedLease(spec: LeaseSpec, nowMs: number): LeaseSpec {
  const now = formatMicroTime(nowMs);
  return {
    ...spec,
    holderIdentity: '',
    leaseDurationSeconds: 1,
    acquireTime: now,
    renewTime: now,
  };
}

/** Whether a leader whose last successful renew was at `lastRenewAtMs` still leads at `nowMs`. */
export function stillLeading(input: {
  readonly lastRenewAtMs: number;
  readonly nowMs: number;
  readonly renewDeadlineMs: number;
}): boolean {
  return input.nowMs - input.lastRenewAtMs < input.renewDeadlineMs;
}

/** How long to wait before the next attempt: the retry period, jittered for standbys. */
export function retryDelayMs(timings: LeaseTimings, leading: boolean, random: number): number {
  return leading ? timings.retryPeriodMs : timings.retryPeriodMs * (1 + RETRY_JITTER * random);
}

/** How long past the expiry it saw a standby waits before it tries to take the Lease. */
export const TAKEOVER_MARGIN_MS = 25;

/**
 * How long a standby waits before its next attempt: the jittered retry period, or until just past
 * `expiresAtMs` (the last renewal it saw plus the lease duration) when that comes sooner, so that
 * it takes an unrenewed Lease when it expires rather than at a retry tick after that.
 */
export function standbyDelayMs(input: {
  readonly timings: LeaseTimings;
  readonly expiresAtMs: number | undefined;
  readonly nowMs: number;
  readonly random: number;
}): number {
  const retry = retryDelayMs(input.timings, false, input.random);
  if (input.expiresAtMs === undefined) return retry;
  return Math.min(retry, Math.max(0, input.expiresAtMs + TAKEOVER_MARGIN_MS - input.nowMs));
}

export type LeaseTimingsErrorData = { readonly timings: LeaseTimings; readonly reason: string };

export class LeaseTimingsError extends MoorError<'InvalidLeaseTimings', LeaseTimingsErrorData> {}

/**
 * The timings make sense together (client-go's checks): the lease outlasts the renew deadline,
 * so a leader stops before anyone may take over; the deadline leaves room for a jittered retry.
 */
export function checkLeaseTimings(timings: LeaseTimings): Result<LeaseTimings, LeaseTimingsError> {
  const { leaseDurationMs: lease, renewDeadlineMs: deadline, retryPeriodMs: retry } = timings;
  const fail = (reason: string) =>
    err(
      new LeaseTimingsError(
        'InvalidLeaseTimings',
        `leader election: lease duration ${lease}ms, renew deadline ${deadline}ms, retry period ${retry}ms: ${reason}`,
        { timings, reason },
      ),
    );
  if (![lease, deadline, retry].every((ms) => Number.isFinite(ms) && ms > 0))
    return fail('every duration must be positive');
  if (lease < 1000) return fail('the lease duration must be at least 1s');
  if (lease <= deadline) return fail('the lease duration must be longer than the renew deadline');
  if (deadline <= retry * (1 + RETRY_JITTER))
    return fail(`the renew deadline must be longer than ${1 + RETRY_JITTER} × the retry period`);
  return ok(timings);
}
