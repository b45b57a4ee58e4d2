/**
 * Whether the API server answers, as the operator's own requests find it (ADR 0015). The first
 * request without an answer starts an outage: a warning with the error and since when, the
 * `moor_api_reachable` gauge at 0, `/readyz` saying why, a warning again every `warnEveryMs`, and a
 * cheap probe every `probeEveryMs` (the only traffic it adds, so the request rate stays bounded).
 * The first answer ends it: the listeners (reflectors in a backoff pause, Syncs whose reconcile
 * failed meanwhile) retry at once instead of waiting out their backoffs.
 */
import type { ApiContact, Wakeups } from '../kube/index.ts';
import type { Clock, Logger } from './types.ts';

/** An outage that ended: from the first request without an answer to the first answer. */
export type Outage = { readonly since: Date; readonly until: Date; readonly error: string };

export type ApiReachability = {
  /** Feed every request's contact here (the client's `onContact`). */
  readonly observe: (contact: ApiContact) => void;
  /** While the API server does not answer: since when, and the last request's error. */
  readonly down: () => { readonly since: Date; readonly error: string } | undefined;
  /** Subscribes to the end of an outage (reflectors' backoff pauses use it). */
  readonly wake: Wakeups;
  /** Called with the outage when it ends. */
  readonly onReturn: (listener: (outage: Outage) => void) => void;
};

export type ReachabilityOptions = {
  readonly clock: Clock;
  readonly logger: Pick<Logger, 'warn' | 'info'>;
  readonly setReachable: (reachable: boolean) => void;
  /** One cheap request; its answer (any HTTP status) reaches `observe` through the client. */
  readonly probe: (signal: AbortSignal) => Promise<unknown>;
  readonly signal: AbortSignal;
  /** Default 2 s. */
  readonly probeEveryMs?: number;
  /** Default 10 s. */
  readonly warnEveryMs?: number;
};

type Down = { since: Date; sinceMs: number; error: string; warnedMs: number };

export function trackApiReachability(opts: ReachabilityOptions): ApiReachability {
  const { clock, logger } = opts;
  const probeEveryMs = opts.probeEveryMs ?? 2_000;
  const warnEveryMs = opts.warnEveryMs ?? 10_000;
  const wakers = new Set<() => void>();
  const returned: ((outage: Outage) => void)[] = [];
  let down: Down | undefined;
  opts.setReachable(true);

  const answered = (): void => {
    if (!down) return;
    const outage = { since: down.since, until: clock.now(), error: down.error };
    const downForMs = Math.round(clock.monotonic() - down.sinceMs);
    down = undefined;
    opts.setReachable(true);
    logger.info(
      { since: outage.since.toISOString(), downForMs, err: outage.error },
      'the API server answers again',
    );
    for (const w of [...wakers]) w();
    for (const l of returned) l(outage);
  };

  const probeWhileDown = async (): Promise<void> => {
    while (down && !opts.signal.aborted) {
      await clock.sleep(probeEveryMs, opts.signal);
      const still = down as Down | undefined;
      if (!still || opts.signal.aborted) return;
      const nowMs = clock.monotonic();
      if (nowMs - still.warnedMs >= warnEveryMs) {
        still.warnedMs = nowMs;
        const since = still.since.toISOString();
        const downForMs = Math.round(nowMs - still.sinceMs);
        logger.warn({ since, downForMs, err: still.error }, 'the API server still does not answer');
      }
      const cut = AbortSignal.any([opts.signal, AbortSignal.timeout(probeEveryMs * 2)]);
      await opts.probe(cut).catch(() => undefined);
    }
  };

  const unanswered = (error: string): void => {
    if (down) {
      down.error = error;
      return;
    }
    const nowMs = clock.monotonic();
    down = { since: clock.now(), sinceMs: nowMs, error, warnedMs: nowMs };
    opts.setReachable(false);
    logger.warn({ since: down.since.toISOString(), err: error }, 'the API server does not answer');
    void probeWhileDown();
  };

  return {
    observe: (contact) => (contact.answered ? answered() : unanswered(contact.error.message)),
    down: () => (down ? { since: down.since, error: down.error } : undefined),
    wake: (listener) => {
      wakers.add(listener);
      return () => wakers.delete(listener);
    },
    onReturn: (listener) => returned.push(listener),
  };
}

/** What a Sync's status says on the first write after an outage cut its reconcile short. */
export function outageMessage(outage: Outage): string {
  const at = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `the API server did not answer from ${at(outage.since)} to ${at(outage.until)} (${outage.error}); reconciling again`;
}
