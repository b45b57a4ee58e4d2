import { MoorError } from '../../core/index.ts';

export const PreviewErrorCodes = {
  /** The Sync or its GitRepository does not exist, or does not parse. */
  notFound: 'NotFound',
  invalid: 'Invalid',
  /** The ref could not be fetched (the message says why: unknown ref, auth, network). */
  fetchFailed: 'FetchFailed',
  renderFailed: 'RenderFailed',
  /** The API server could not be asked (not a refusal of one object). */
  apiFailed: 'ApiFailed',
} as const;
export type PreviewErrorCode = (typeof PreviewErrorCodes)[keyof typeof PreviewErrorCodes];

/** A preview could not be computed; the message names the Sync, source, ref or file. */
export class PreviewError extends MoorError<PreviewErrorCode, { readonly subject: string }> {}
