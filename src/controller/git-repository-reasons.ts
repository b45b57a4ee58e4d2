/**
 * Why a GitRepository is not Ready, from its fetch failure's code (pure): the condition reason,
 * and whether only a spec change can help (Stalled, no retry).
 */
import { ConditionReasons, type ConditionReason } from '../core/index.ts';
import type { SourceErrorCode } from '../source/index.ts';

export type FetchFailureReason = {
  readonly reason: ConditionReason;
  /** A URL Moor refuses: retrying cannot help until the spec (or the operator's flags) change. */
  readonly stalled: boolean;
};

const reasons: Record<SourceErrorCode, ConditionReason> = {
  InvalidUrl: ConditionReasons.InvalidUrl,
  FileUrlsDisabled: ConditionReasons.InvalidUrl,
  SecretNotFound: ConditionReasons.SecretNotFound,
  SecretInvalid: ConditionReasons.SecretInvalid,
  InvalidCredentials: ConditionReasons.SecretInvalid,
  Unauthorized: ConditionReasons.AuthenticationFailed,
  HostKeyRejected: ConditionReasons.AuthenticationFailed,
  InvalidRef: ConditionReasons.InvalidRef,
  RefNotFound: ConditionReasons.RefNotFound,
  RepositoryNotFound: ConditionReasons.RepositoryNotFound,
  Unreachable: ConditionReasons.Unreachable,
  Timeout: ConditionReasons.Timeout,
  Aborted: ConditionReasons.GitOperationFailed,
  Failed: ConditionReasons.GitOperationFailed,
  StorageFailed: ConditionReasons.ArtifactFailed,
};

const stalling: ReadonlySet<SourceErrorCode> = new Set(['InvalidUrl', 'FileUrlsDisabled']);

export function fetchFailureReason(code: SourceErrorCode): FetchFailureReason {
  return { reason: reasons[code], stalled: stalling.has(code) };
}

/** The artifact a failed fetch keeps serving, as its status names it. */
export type KeptArtifact = { readonly revision?: string; readonly lastUpdateTime?: string };

const seconds = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The Ready=False message of a failed fetch: the error, the artifact still served, and when a
 * fetch last succeeded (this process's memory of it, else when the kept artifact was produced).
 * It stays the same while the same error repeats, so a long outage is one event, not one a retry.
 */
export function fetchFailureMessage(
  error: string,
  kept: KeptArtifact | undefined,
  lastSuccess: Date | undefined,
): string {
  if (!kept?.revision) return error;
  const when = lastSuccess ? seconds(lastSuccess) : kept.lastUpdateTime;
  const since = when ? `; last fetched successfully at ${when}` : '';
  return `${error} (keeping the last good artifact ${kept.revision}${since})`;
}
