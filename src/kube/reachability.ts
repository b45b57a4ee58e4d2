/**
 * Whether the API server answers: every request of a client reports how it went, so the operator
 * can tell an outage (no answer at all: refused, reset, timed out) from a server that answers with
 * an error. Any HTTP answer, 4xx and 5xx included, counts as the server answering.
 */
import type { KubeError } from './errors.ts';

export type ApiContact =
  { readonly answered: true } | { readonly answered: false; readonly error: KubeError };

/** Called once per request attempt; must not throw or block. */
export type ContactListener = (contact: ApiContact) => void;

/** Subscribes `listener` to "retry now" (the API server answers again); returns the unsubscribe. */
export type Wakeups = (listener: () => void) => () => void;
