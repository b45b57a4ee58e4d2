/**
 * Drift a Sync's reconcile still knows after its apply: in Correct mode what the apply could not
 * bring back, and, when the apply failed, what was missing. Pure.
 */
import type { ApplyOutcome } from '../apply/index.ts';
import {
  ConditionStatuses,
  ConditionTypes,
  objectIdOf,
  objectKey,
  type KubeObject,
} from '../core/index.ts';
import { checkDrift, checkMissing, type DriftCheck } from './drift-check.ts';
import type { Ctx } from './sync-context.ts';

/** Applied objects the server still holds as being deleted: they come back once they are gone. */
export function remainingDrift(ctx: Ctx, active: readonly KubeObject[], outcome: ApplyOutcome) {
  const going = new Set(
    outcome.applied
      .filter((o) => o.metadata.deletionTimestamp !== undefined)
      .map((o) => objectKey(objectIdOf(o))),
  );
  const stuck = active.filter((o) => going.has(objectKey(objectIdOf(o))));
  return checkDrift(stuck, () => undefined, ctx.status.drift, ctx.now);
}

/**
 * When the apply failed on the desired state already applied, what is known of drift: Alert's
 * check, or in Correct mode the objects the apply could not bring back (gone or being deleted).
 */
export function driftOnFailure(
  ctx: Ctx,
  revision: string,
  known: { newRevision: boolean; drift: DriftCheck | undefined; active: readonly KubeObject[] },
  alone: readonly KubeObject[],
) {
  const mode = ctx.sync.spec.drift.mode;
  if (known.newRevision || mode === 'Ignore') return { conditions: [] };
  const left = new Set(alone.map((o) => objectKey(objectIdOf(o))));
  const objects = known.active.filter((o) => !left.has(objectKey(objectIdOf(o))));
  const check = known.drift ?? checkMissing(objects, ctx.deps.live, ctx.status.drift, ctx.now);
  if (!check.status) return { conditions: [] };
  const n = check.summary.length;
  const message = `${n} object${n === 1 ? '' : 's'} differ from revision ${revision}: ${check.summary.slice(0, 5).join('; ')}`;
  return {
    drift: check.status,
    conditions: [
      {
        type: ConditionTypes.InSync,
        status: ConditionStatuses.False,
        reason: 'DriftDetected',
        message,
      },
    ],
  };
}
