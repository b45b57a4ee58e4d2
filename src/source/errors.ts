import { MoorError } from '../core/index.ts';

export const SourceErrorCodes = {
  invalidUrl: 'InvalidUrl',
  fileUrlsDisabled: 'FileUrlsDisabled',
  secret: 'SecretInvalid',
  git: 'GitOperationFailed',
  storage: 'StorageFailed',
} as const;
export type SourceErrorCode = (typeof SourceErrorCodes)[keyof typeof SourceErrorCodes];

/** A source could not produce an artifact; the message names the GitRepository and the URL. */
export class SourceError extends MoorError<SourceErrorCode, { source: string; url?: string }> {}
