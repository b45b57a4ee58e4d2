// Refuses a webhook delivery seen before (by the id the Git host sends) or signed too long ago,
// remembering a bounded number of recent ids. Pure apart from the injected clock.
import { err, ok, type Result } from '../core/index.ts';
import { ReceiverError, ReceiverErrorCodes } from './errors.ts';

export type ReplayOptions = {
  /** How long an id is remembered, and how far a signed timestamp may be from now. */
  readonly windowMs: number;
  /** The most ids remembered; the oldest are forgotten first. */
  readonly maxEntries: number;
  readonly now: () => number;
};

export const DEFAULT_REPLAY_WINDOW_MS = 5 * 60_000;
export const DEFAULT_REPLAY_MAX_ENTRIES = 10_000;

/** What a delivery says about itself: the host's delivery id and, for generic, when it was signed. */
export type DeliveryStamp = {
  readonly type: string;
  readonly id?: string | undefined;
  /** Unix milliseconds. */
  readonly timestampMs?: number | undefined;
};

export type ReplayGuard = {
  /** Accepts a delivery once and remembers it under `receiver`; refuses a repeat or a stale one. */
  admit(receiver: string, stamp: DeliveryStamp): Result<void, ReceiverError>;
  /** Forgets an admitted delivery (it failed: the host's redelivery must get through). */
  forget(receiver: string, stamp: DeliveryStamp): void;
};

export function createReplayGuard(options: ReplayOptions): ReplayGuard {
  const seen = new Map<string, number>();
  const keyOf = (receiver: string, id: string) => `${receiver}\n${id}`;
  const prune = (now: number): void => {
    for (const [key, expires] of seen) {
      if (expires > now && seen.size < options.maxEntries) break;
      seen.delete(key);
    }
  };
  return {
    admit(receiver, stamp) {
      const now = options.now();
      const { timestampMs } = stamp;
      if (timestampMs !== undefined && Math.abs(now - timestampMs) > options.windowMs) {
        return err(
          new ReceiverError(
            ReceiverErrorCodes.stale,
            `${stamp.type} delivery to ${receiver}: its timestamp is more than ${options.windowMs / 1000}s from now`,
            { type: stamp.type },
          ),
        );
      }
      if (stamp.id === undefined) return ok(undefined);
      const key = keyOf(receiver, stamp.id);
      const expires = seen.get(key);
      if (expires !== undefined && expires > now) {
        return err(
          new ReceiverError(
            ReceiverErrorCodes.replayed,
            `${stamp.type} delivery ${stamp.id} to ${receiver} was already received`,
            { type: stamp.type },
          ),
        );
      }
      seen.delete(key);
      prune(now);
      seen.set(key, now + options.windowMs);
      return ok(undefined);
    },
    forget(receiver, stamp) {
      if (stamp.id !== undefined) seen.delete(keyOf(receiver, stamp.id));
    },
  };
}
