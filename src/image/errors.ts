// Typed errors of image automation: each names its subject (the image, the policy, file:line).
import { MoorError } from '../core/index.ts';

export const ImageErrorCodes = {
  /** The registry refused the credentials (or asked for some and none were given). */
  Unauthorized: 'Unauthorized',
  /** 429 Too Many Requests: try again later (retryAfterMs when the registry said). */
  RateLimited: 'RateLimited',
  /** No such repository in the registry. */
  NotFound: 'NotFound',
  /** The registry's address is refused by the registry address policy. */
  AddressDenied: 'AddressDenied',
  Unreachable: 'Unreachable',
  Timeout: 'Timeout',
  /** An answer that is not what the distribution API promises. */
  BadResponse: 'BadResponse',
  /** The Secret gives no usable credentials. */
  SecretInvalid: 'SecretInvalid',
  /** The policy's pattern, range or tags make no choice. */
  NoMatch: 'NoMatch',
  /** A setter marker that cannot be read: reported with file:line, the file is left alone. */
  MalformedMarker: 'MalformedMarker',
} as const;
export type ImageErrorCode = (typeof ImageErrorCodes)[keyof typeof ImageErrorCodes];

export type ImageErrorData = {
  /** The image (`registry/path`), policy (`ns/name`) or file the error is about. */
  readonly subject: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly line?: number;
};

export class ImageError extends MoorError<ImageErrorCode, ImageErrorData> {}

export function imageError(
  code: ImageErrorCode,
  data: ImageErrorData,
  detail: string,
  cause?: unknown,
): ImageError {
  return new ImageError(code, `${data.subject}: ${detail}`, data, { cause });
}
