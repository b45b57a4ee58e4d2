/**
 * Why a Sync is not Ready, from the code of what failed (pure): a render error's code, or where an
 * apply stopped. Every code has an entry, so a new code needs a decision here, not a regex.
 */
import type { ApplyOutcome } from '../../apply/index.ts';
import { ConditionReasons, type ConditionReason } from '../../core/index.ts';
import type { RenderErrorCode } from '../../render/index.ts';

const build = ConditionReasons.BuildFailed;

const renderReasons: Record<RenderErrorCode, ConditionReason> = {
  SyntaxError: build,
  NotAnObject: build,
  NotText: build,
  TooLarge: build,
  InvalidValue: build,
  NestingTooDeep: build,
  NamespaceMissing: build,
  DuplicateObject: build,
  PathEscapesArtifact: build,
  SymlinkEscapesArtifact: build,
  PathNotFound: build,
  ReadFailed: build,
  KustomizeFailed: build,
  KustomizeUnavailable: build,
  ReferenceEscapesArtifact: build,
  RemoteResourceRefused: build,
  KustomizePluginRefused: build,
  Aborted: build,
  UndefinedVariable: build,
  DecryptionFailed: build,
  HelmTemplateFailed: build,
  HelmUnavailable: build,
  ChartInvalid: build,
  ValuesNotFound: build,
};

/** The Ready reason of a Sync whose path did not render. */
export function renderFailureReason(code: RenderErrorCode): ConditionReason {
  return renderReasons[code];
}

/** The Ready reason of a Sync whose apply failed: a conflict first, else the phase it stopped in. */
export function applyFailureReason(
  outcome: Pick<ApplyOutcome, 'phase' | 'conflicts'>,
): ConditionReason {
  if (outcome.conflicts.length > 0) return ConditionReasons.Conflict;
  if (outcome.phase === 'validate') return ConditionReasons.DryRunFailed;
  if (outcome.phase === 'prune') return ConditionReasons.PruneFailed;
  return ConditionReasons.ApplyFailed;
}
