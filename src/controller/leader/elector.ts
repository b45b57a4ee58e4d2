/**
 * Leader election over a `coordination.k8s.io/v1` Lease, as client-go's leaderelection does it:
 * every retry period a standby reads the Lease and takes it once it is free or has gone unrenewed
 * for its lease duration (create on 404, update at the read resourceVersion; a 409 is a lost
 * race); the leader renews it, and stops leading when no renew succeeded within the renew
 * deadline. A standby also watches the Lease (`lease-watch.ts`), so it counts the lease duration
 * from when each renewal is written, and tries again just after the expiry it saw rather than at
 * a later retry tick. The decisions are `decide.ts`; this is the loop and the I/O around them.
 */
import { MoorError, type KubeObject } from '../../core/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import type { Clock, Logger } from '../types.ts';
import {
  decideLease,
  observeLease,
  readLeaseSpec,
  releasedLease,
  retryDelayMs,
  standbyDelayMs,
  stillLeading,
  type LeaseDecision,
  type LeaseObservation,
  type LeaseSpec,
  type LeaseTimings,
} from './decide.ts';
import { watchLease } from './lease-watch.ts';

export const LEASE_API_VERSION = 'coordination.k8s.io/v1';
export const LEASE_KIND = 'Lease';
/** The most a release (on shutdown) may take. */
const RELEASE_TIMEOUT_MS = 5_000;

export type LeaderElectionConfig = {
  readonly leaseName: string;
  readonly leaseNamespace: string;
  /** Unique per process: the pod name, or the hostname with a random suffix. */
  readonly identity: string;
  readonly timings: LeaseTimings;
};

export type LeadershipLostData = {
  readonly lease: string;
  readonly identity: string;
  readonly reason: string;
};

/** This process led and no longer does; it must stop all work (the operator exits). */
export class LeadershipLostError extends MoorError<'LeadershipLost', LeadershipLostData> {}

export type Leadership = {
  readonly identity: string;
  /** Now, by the clock: holds the Lease, renewed within the renew deadline. */
  isLeading(): boolean;
  /** Resolves true once this process leads, false if `signal` aborts first. */
  whenLeading(signal: AbortSignal): Promise<boolean>;
  /** Aborts, with a `LeadershipLostError` as its reason, when a leader stops leading. */
  readonly lost: AbortSignal;
  /** Stops campaigning; a leader clears the Lease's holder so that a standby takes over at once. */
  release(): Promise<void>;
};

export type LeaderElectionDeps = {
  /** The raw client: the Lease's own writes must not pass the write gate they feed. */
  readonly kube: KubeClient;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: () => number;
  readonly config: LeaderElectionConfig;
  /** Told every change of leadership (for the `moor_leader` gauge). */
  readonly onChange?: (leading: boolean) => void;
};

type Current = { readonly obj: KubeObject; readonly observation: LeaseObservation };

const specOf = (obj: KubeObject): LeaseSpec => readLeaseSpec(obj.spec);
const rawSpecOf = (obj: KubeObject): Record<string, unknown> =>
  obj.spec && typeof obj.spec === 'object' ? (obj.spec as Record<string, unknown>) : {};

/** Without `--leader-elect`: this process always leads. */
export function alwaysLeading(identity: string): Leadership {
  return {
    identity,
    isLeading: () => true,
    whenLeading: (signal) => Promise.resolve(!signal.aborted),
    lost: new AbortController().signal,
    release: () => Promise.resolve(),
  };
}

/** The state of one campaign: what the loop, `whenLeading` and `release` share. */
type Election = {
  readonly deps: LeaderElectionDeps;
  readonly ref: { apiVersion: string; kind: string; namespace: string; name: string };
  readonly leaseName: string;
  readonly log: Logger;
  readonly stop: AbortController;
  readonly lost: AbortController;
  readonly waiters: Set<() => void>;
  current: Current | undefined;
  leading: boolean;
  lastRenewAtMs: number;
  lastHolder: string | undefined;
  /** When the Lease another process holds expires, as this process last decided. */
  expiresAtMs: number | undefined;
  /** Aborted to cut a standby's sleep short (the Lease was released). */
  wake: AbortController;
  // A failure is worth a warning when it is new, not every retry period while it lasts.
  lastFailure: string | undefined;
};

export function startLeaderElection(deps: LeaderElectionDeps): Leadership {
  const { config } = deps;
  const { identity } = config;
  const leaseName = `${config.leaseNamespace}/${config.leaseName}`;
  const e: Election = {
    deps,
    ref: {
      apiVersion: LEASE_API_VERSION,
      kind: LEASE_KIND,
      namespace: config.leaseNamespace,
      name: config.leaseName,
    },
    leaseName,
    log: deps.logger.child({ part: 'leader', lease: leaseName, identity }),
    stop: new AbortController(),
    lost: new AbortController(),
    waiters: new Set<() => void>(),
    current: undefined,
    leading: false,
    lastRenewAtMs: 0,
    lastHolder: undefined,
    expiresAtMs: undefined,
    wake: new AbortController(),
    lastFailure: undefined,
  };
  deps.onChange?.(false);
  const done = run(e);

  return {
    identity,
    isLeading: () => isLeading(e),
    whenLeading: (signal) => whenLeading(e, signal),
    lost: e.lost.signal,
    release: () => release(e, done),
  };
}

const nowMs = (e: Election): number => e.deps.clock.now().getTime();

const isLeading = (e: Election): boolean =>
  e.leading &&
  stillLeading({
    lastRenewAtMs: e.lastRenewAtMs,
    nowMs: nowMs(e),
    renewDeadlineMs: e.deps.config.timings.renewDeadlineMs,
  });

function remember(e: Election, obj: KubeObject, atMs: number): void {
  const seen = { spec: specOf(obj), resourceVersion: obj.metadata.resourceVersion ?? '' };
  e.current = { obj, observation: observeLease(e.current?.observation, seen, atMs) };
}

function becomeLeader(e: Election): void {
  e.leading = true;
  e.log.info({ leaseDurationMs: e.deps.config.timings.leaseDurationMs }, 'became leader');
  e.deps.onChange?.(true);
  for (const wake of [...e.waiters]) wake();
  e.waiters.clear();
}

function loseLeadership(e: Election, reason: string): void {
  if (!e.leading) return;
  const { leaseName } = e;
  const { identity } = e.deps.config;
  e.leading = false;
  e.log.warn({ reason }, 'lost leadership');
  e.deps.onChange?.(false);
  const message = `Lease ${leaseName}: ${identity} lost leadership: ${reason}`;
  e.lost.abort(
    new LeadershipLostError('LeadershipLost', message, { lease: leaseName, identity, reason }),
  );
}

function noteFailure(e: Election, message: string, what: string): void {
  if (message === e.lastFailure) return e.log.debug({ err: message }, what);
  e.lastFailure = message;
  e.log.warn({ err: message }, what);
}

function noteHolder(e: Election, holder: string): void {
  if (holder === e.lastHolder) return;
  e.lastHolder = holder;
  e.log.info({ holder }, 'standing by: another process leads');
}

/** Creates the Lease, or replaces `read` at its resourceVersion (never without one: blindly). */
function write(
  e: Election,
  decision: Exclude<LeaseDecision, { action: 'wait' }>,
  read: KubeObject | undefined,
  signal: AbortSignal,
) {
  const { kube, config } = e.deps;
  if (decision.action === 'create') {
    const lease: KubeObject = {
      apiVersion: LEASE_API_VERSION,
      kind: LEASE_KIND,
      metadata: { name: config.leaseName, namespace: config.leaseNamespace },
      spec: decision.spec,
    };
    return kube.create(lease, signal);
  }
  if (!read?.metadata.resourceVersion) return undefined;
  // Fields leader election does not know (a newer API's) are kept as they were.
  return kube.update({ ...read, spec: { ...rawSpecOf(read), ...decision.spec } }, signal);
}

/** One try to acquire or renew; true when this process holds a freshly written Lease. */
async function attempt(e: Election, startedMs: number, signal: AbortSignal): Promise<boolean> {
  const { identity, timings } = e.deps.config;
  // A leader renews from the Lease it last wrote; anyone else reads the Lease first.
  if (!(e.leading && e.current)) {
    const got = await e.deps.kube.get(e.ref, signal);
    if (!got.ok) {
      noteFailure(e, got.error.message, 'lease not read');
      return false;
    }
    if (got.value) remember(e, got.value, startedMs);
    else e.current = undefined;
  }
  const decision = decideLease({
    identity,
    nowMs: startedMs,
    observation: e.current?.observation,
    leaseDurationMs: timings.leaseDurationMs,
  });
  e.expiresAtMs = decision.action === 'wait' ? decision.expiresAtMs : undefined;
  if (decision.action === 'wait') {
    loseLeadership(e, `the Lease is held by ${decision.holder}`);
    noteHolder(e, decision.holder);
    return false;
  }
  const res = await write(e, decision, e.current?.obj, signal);
  if (!res) return false;
  if (res.ok) {
    remember(e, res.value, startedMs);
    e.lastHolder = identity;
    e.lastFailure = undefined;
    return true;
  }
  // Conflict: someone wrote the Lease since it was read (a lost race); read it again next time.
  if (res.error.code === 'Conflict') {
    e.current = undefined;
    e.log.debug({ err: res.error.message, action: decision.action }, 'lost a race for the lease');
  } else noteFailure(e, res.error.message, 'lease not written');
  return false;
}

/** A standby's sighting from the watch: the renewal's clock starts now; a release wakes it. */
function sighted(e: Election, lease: KubeObject): void {
  if (e.leading) return;
  remember(e, lease, nowMs(e));
  if (specOf(lease).holderIdentity === '') e.wake.abort();
}

async function run(e: Election): Promise<void> {
  const { timings } = e.deps.config;
  const { stop, lost } = e;
  const { kube, clock } = e.deps;
  const watching = watchLease(
    {
      kube,
      clock,
      log: e.log,
      ref: e.ref,
      retryMs: timings.retryPeriodMs,
      onLease: (lease) => sighted(e, lease),
    },
    AbortSignal.any([stop.signal, lost.signal]),
  );
  while (!stop.signal.aborted && !lost.signal.aborted) {
    const startedMs = nowMs(e);
    const budgetMs = e.leading
      ? Math.max(1, e.lastRenewAtMs + timings.renewDeadlineMs - startedMs)
      : timings.renewDeadlineMs;
    const signal = AbortSignal.any([stop.signal, AbortSignal.timeout(budgetMs)]);
    const held = await attempt(e, startedMs, signal).catch((error: unknown) => {
      e.log.warn({ err: String(error) }, 'lease attempt failed');
      return false;
    });
    if (stop.signal.aborted) break;
    if (held) {
      e.lastRenewAtMs = startedMs;
      if (!e.leading) becomeLeader(e);
    } else if (
      e.leading &&
      !stillLeading({
        lastRenewAtMs: e.lastRenewAtMs,
        nowMs: nowMs(e),
        renewDeadlineMs: timings.renewDeadlineMs,
      })
    ) {
      loseLeadership(e, `no renew succeeded within ${timings.renewDeadlineMs}ms`);
    }
    const random = e.deps.random();
    const delay = e.leading
      ? retryDelayMs(timings, true, random)
      : standbyDelayMs({ timings, expiresAtMs: e.expiresAtMs, nowMs: nowMs(e), random });
    // A release seen during the attempt: try again at once (each wake needs a new sighting).
    if (e.wake.signal.aborted) {
      e.wake = new AbortController();
      continue;
    }
    await clock.sleep(delay, AbortSignal.any([stop.signal, e.wake.signal]));
  }
  await watching;
}

function whenLeading(e: Election, signal: AbortSignal): Promise<boolean> {
  if (isLeading(e)) return Promise.resolve(true);
  if (signal.aborted || e.lost.signal.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const onAbort = (): void => {
      e.waiters.delete(wake);
      resolve(false);
    };
    const wake = (): void => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    };
    e.waiters.add(wake);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function release(e: Election, done: Promise<void>): Promise<void> {
  const { identity, timings } = e.deps.config;
  e.stop.abort();
  await done;
  if (!e.leading || !e.current) return;
  e.leading = false;
  e.deps.onChange?.(false);
  const signal = AbortSignal.timeout(Math.min(RELEASE_TIMEOUT_MS, timings.renewDeadlineMs));
  // A renew cut short by the stop may still have landed: then read the Lease once more.
  let read: KubeObject | undefined = e.current.obj;
  for (let tries = 0; tries < 2 && read; tries++) {
    if (specOf(read).holderIdentity !== identity) return;
    const spec = { ...rawSpecOf(read), ...releasedLease(specOf(read), nowMs(e)) };
    const res = await e.deps.kube.update({ ...read, spec }, signal);
    if (res.ok) return e.log.info('released leadership');
    e.log.warn({ err: res.error.message }, 'lease not released');
    if (res.error.code !== 'Conflict') return;
    const got = await e.deps.kube.get(e.ref, signal);
    read = got.ok ? got.value : undefined;
  }
}
