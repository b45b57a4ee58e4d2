/** What the HTTP server is given: a pino-compatible logger and the receiver lookups. */
import type { ReceiverPreview, ReceiverType } from '../api/index.ts';

export type { LogFn, Logger } from '../core/index.ts';

/** A resource a receiver triggers, as named in `spec.resources[]`. */
export type ReceiverResourceRef = {
  readonly kind: string;
  readonly name: string;
  /** Defaults to the receiver's namespace. */
  readonly namespace?: string | undefined;
};

/** The same, with the namespace resolved. */
export type ReceiverResource = {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
};

/** What the server needs to know about a Receiver to check and act on a delivery. */
export type ReceiverTarget = {
  readonly namespace: string;
  readonly name: string;
  readonly type: ReceiverType;
  /** The `token` key of `spec.secretRef`. */
  readonly token: string;
  readonly resources: readonly ReceiverResourceRef[];
  /** `spec.events`: Git host event types that trigger; empty or absent means the host's push events. */
  readonly events?: readonly string[] | undefined;
  /** `spec.preview`: pull-request events preview these Syncs. */
  readonly preview?: ReceiverPreview | undefined;
};

/** A verified delivery that triggers: the host's event name and the body as sent. */
export type ReceivedDelivery = { readonly event: string; readonly body: Buffer };
