/**
 * Leader election over a `coordination.k8s.io/v1` Lease, as client-go's leaderelection does it:
 * every retry period a standby reads the Lease and takes it once it is free or has gone unrenewed
 * for its lease duration (create on 404, update at the read resourceVersion; a 409 is a lost
 * race); the leader renews it, and stops leading when no renew succeeded within the renew
 * deadline. The decisions are `decide.ts`; this is the loop and the I/O around them.
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
  stillLeading,
  type LeaseDecision,
  type LeaseObservation,
  type LeaseSpec,
  type LeaseTimings,
} from './decide.ts';

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

export function startLeaderElection(deps: LeaderElectionDeps): Leadership {
  const { kube, clock, config } = deps;
  const { identity, timings } = config;
  const ref = {
    apiVersion: LEASE_API_VERSION,
    kind: LEASE_KIND,
    namespace: config.leaseNamespace,
    name: config.leaseName,
  };
  const leaseName = `${config.leaseNamespace}/${config.leaseName}`;
  const log = deps.logger.child({ part: 'leader', lease: leaseName, identity });
  const stop = new AbortController();
  const lost = new AbortController();
  const waiters = new Set<() => void>();
  let current: Current | undefined;
  let leading = false;
  let lastRenewAtMs = 0;
  let lastHolder: string | undefined;
  const nowMs = (): number => clock.now().getTime();
  const isLeading = (): boolean =>
    leading &&
    stillLeading({ lastRenewAtMs, nowMs: nowMs(), renewDeadlineMs: timings.renewDeadlineMs });

  const remember = (obj: KubeObject, atMs: number): void => {
    const seen = { spec: specOf(obj), resourceVersion: obj.metadata.resourceVersion ?? '' };
    current = { obj, observation: observeLease(current?.observation, seen, atMs) };
  };

  const becomeLeader = (): void => {
    leading = true;
    log.info({ leaseDurationMs: timings.leaseDurationMs }, 'became leader');
    deps.onChange?.(true);
    for (const wake of [...waiters]) wake();
    waiters.clear();
  };
  const loseLeadership = (reason: string): void => {
    if (!leading) return;
    leading = false;
    log.warn({ reason }, 'lost leadership');
    deps.onChange?.(false);
    const message = `Lease ${leaseName}: ${identity} lost leadership: ${reason}`;
    lost.abort(
      new LeadershipLostError('LeadershipLost', message, { lease: leaseName, identity, reason }),
    );
  };
  // A failure is worth a warning when it is new, not every retry period while it lasts.
  let lastFailure: string | undefined;
  const noteFailure = (message: string, what: string): void => {
    if (message === lastFailure) return log.debug({ err: message }, what);
    lastFailure = message;
    log.warn({ err: message }, what);
  };
  const noteHolder = (holder: string): void => {
    if (holder === lastHolder) return;
    lastHolder = holder;
    log.info({ holder }, 'standing by: another process leads');
  };

  /** Creates the Lease, or replaces `read` at its resourceVersion (never without one: blindly). */
  const write = (
    decision: Exclude<LeaseDecision, { action: 'wait' }>,
    read: KubeObject | undefined,
    signal: AbortSignal,
  ) => {
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
  };

  /** One try to acquire or renew; true when this process holds a freshly written Lease. */
  const attempt = async (startedMs: number, signal: AbortSignal): Promise<boolean> => {
    // A leader renews from the Lease it last wrote; anyone else reads the Lease first.
    if (!(leading && current)) {
      const got = await kube.get(ref, signal);
      if (!got.ok) {
        noteFailure(got.error.message, 'lease not read');
        return false;
      }
      if (got.value) remember(got.value, startedMs);
      else current = undefined;
    }
    const decision = decideLease({
      identity,
      nowMs: startedMs,
      observation: current?.observation,
      leaseDurationMs: timings.leaseDurationMs,
    });
    if (decision.action === 'wait') {
      loseLeadership(`the Lease is held by ${decision.holder}`);
      noteHolder(decision.holder);
      return false;
    }
    const res = await write(decision, current?.obj, signal);
    if (!res) return false;
    if (res.ok) {
      remember(res.value, startedMs);
      lastHolder = identity;
      lastFailure = undefined;
      return true;
    }
    // Conflict: someone wrote the Lease since it was read (a lost race); read it again next time.
    if (res.error.code === 'Conflict') {
      current = undefined;
      log.debug({ err: res.error.message, action: decision.action }, 'lost a race for the lease');
    } else noteFailure(res.error.message, 'lease not written');
    return false;
  };

  const run = async (): Promise<void> => {
    while (!stop.signal.aborted && !lost.signal.aborted) {
      const startedMs = nowMs();
      const budgetMs = leading
        ? Math.max(1, lastRenewAtMs + timings.renewDeadlineMs - startedMs)
        : timings.renewDeadlineMs;
      const signal = AbortSignal.any([stop.signal, AbortSignal.timeout(budgetMs)]);
      const held = await attempt(startedMs, signal).catch((error: unknown) => {
        log.warn({ err: String(error) }, 'lease attempt failed');
        return false;
      });
      if (stop.signal.aborted) break;
      if (held) {
        lastRenewAtMs = startedMs;
        if (!leading) becomeLeader();
      } else if (
        leading &&
        !stillLeading({ lastRenewAtMs, nowMs: nowMs(), renewDeadlineMs: timings.renewDeadlineMs })
      ) {
        loseLeadership(`no renew succeeded within ${timings.renewDeadlineMs}ms`);
      }
      const delay = retryDelayMs(timings, leading, deps.random());
      await clock.sleep(delay, stop.signal);
    }
  };
  deps.onChange?.(false);
  const done = run();

  return {
    identity,
    isLeading,
    whenLeading: (signal) => {
      if (isLeading()) return Promise.resolve(true);
      if (signal.aborted || lost.signal.aborted) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const onAbort = (): void => {
          waiters.delete(wake);
          resolve(false);
        };
        const wake = (): void => {
          signal.removeEventListener('abort', onAbort);
          resolve(true);
        };
        waiters.add(wake);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
    lost: lost.signal,
    async release() {
      stop.abort();
      await done;
      if (!leading || !current) return;
      leading = false;
      deps.onChange?.(false);
      const signal = AbortSignal.timeout(Math.min(RELEASE_TIMEOUT_MS, timings.renewDeadlineMs));
      // A renew cut short by the stop may still have landed: then read the Lease once more.
      let read: KubeObject | undefined = current.obj;
      for (let tries = 0; tries < 2 && read; tries++) {
        if (specOf(read).holderIdentity !== identity) return;
        const spec = { ...rawSpecOf(read), ...releasedLease(specOf(read), nowMs()) };
        const res = await kube.update({ ...read, spec }, signal);
        if (res.ok) return log.info('released leadership');
        log.warn({ err: res.error.message }, 'lease not released');
        if (res.error.code !== 'Conflict') return;
        const got = await kube.get(ref, signal);
        read = got.ok ? got.value : undefined;
      }
    },
  };
}
