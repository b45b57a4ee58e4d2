import { MoorError } from '../core/index.ts';

export const ReceiverErrorCodes = {
  invalidSignature: 'InvalidSignature',
  unsupported: 'Unsupported',
  /** The delivery id was seen before: a replay. */
  replayed: 'Replayed',
  /** The signed timestamp is outside the replay window. */
  stale: 'Stale',
} as const;
export type ReceiverErrorCode = (typeof ReceiverErrorCodes)[keyof typeof ReceiverErrorCodes];

/** A webhook delivery was refused; the message names the receiver type and the header at fault. */
export class ReceiverError extends MoorError<
  ReceiverErrorCode,
  { type: string; header?: string | undefined }
> {}

/** The `--http-addr` value is not `host:port`, or cannot be listened on (in use, not allowed). */
export class ServerAddressError extends MoorError<
  'InvalidAddress' | 'ListenFailed',
  { address: string }
> {}
