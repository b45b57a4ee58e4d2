// Why a delivery failed, as a typed error whose message names the Provider.
import { MoorError } from '../core/index.ts';

export const NotifyErrorCodes = {
  /** `spec.address` is not a usable URL for the provider type. */
  InvalidAddress: 'InvalidAddress',
  /** `spec.secretRef` names a Secret that does not exist. */
  SecretNotFound: 'SecretNotFound',
  /** The Secret lacks a key the provider type needs (e.g. `token`). */
  SecretKeyMissing: 'SecretKeyMissing',
  /** The GitRepository named by a gittag Provider's `spec.sourceRef` does not exist. */
  SourceNotFound: 'SourceNotFound',
  /** The address policy refuses the address (`--allow-provider-hosts`, denied ranges). */
  AddressRefused: 'AddressRefused',
  /** The receiver answered with a non-2xx status. */
  HttpStatus: 'HttpStatus',
  /** Connection refused, reset, DNS failure, … */
  Network: 'Network',
  /** No answer within the Provider's `spec.timeout`. */
  Timeout: 'Timeout',
  /** Pushing the tag failed. */
  GitFailed: 'GitFailed',
  /** The operator is shutting down. */
  Aborted: 'Aborted',
  /** A bug: delivery threw instead of returning a result. */
  Internal: 'Internal',
} as const;
export type NotifyErrorCode = (typeof NotifyErrorCodes)[keyof typeof NotifyErrorCodes];

export type NotifyErrorData = {
  /** `Provider/<namespace>/<name>`. */
  readonly provider: string;
  /** Whether trying again later may succeed (5xx, 429, network errors, timeouts). */
  readonly retryable: boolean;
  readonly status?: number;
  /** From a `Retry-After` header, when the receiver sent one. */
  readonly retryAfterMs?: number;
};

export class NotifyError extends MoorError<NotifyErrorCode, NotifyErrorData> {
  get retryable(): boolean {
    return this.data.retryable;
  }
}

/** A NotifyError whose message starts with the Provider's id. */
export function notifyError(
  code: NotifyErrorCode,
  data: NotifyErrorData,
  detail: string,
  cause?: unknown,
): NotifyError {
  return new NotifyError(code, `${data.provider}: ${detail}`, data, { cause });
}
