import { MoorError } from '../core/index.ts';
import type { GitErrorCode } from '../git/index.ts';

export const SourceErrorCodes = {
  secretNotFound: 'SecretNotFound',
  storage: 'StorageFailed',
} as const;
/** A source's own failures, and every Git failure under the code git/ gave it. */
export type SourceErrorCode =
  (typeof SourceErrorCodes)[keyof typeof SourceErrorCodes] | GitErrorCode;

/** A source could not produce an artifact; the message names the GitRepository and the URL. */
export class SourceError extends MoorError<SourceErrorCode, { source: string; url?: string }> {}
