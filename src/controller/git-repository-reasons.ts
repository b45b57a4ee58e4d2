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
