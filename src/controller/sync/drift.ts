/**
 * Drift a Sync's reconcile knows around its apply: confirmed before (Alert, Ignore), in Correct
 * mode what the apply could not bring back, and, when the apply failed, what was missing.
 */
import type { DriftMode, DriftStatus } from '../../api/index.ts';
import { refOf, type ApplyOutcome } from '../../apply/index.ts';
import {
  ConditionStatuses,
  ConditionTypes,
  objectIdOf,
  objectKey,
  type KubeObject,
} from '../../core/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import { checkDrift, checkMissing, type DriftCheck } from './drift-check.ts';
import type { ConditionUpdate } from './outcome.ts';

/** The live object as the watch-fed cache holds it (undefined: not cached). */
export type LiveLookup = (obj: KubeObject) => KubeObject | undefined;

/** The drift known before this reconcile and when it began: drift's `since` carries over. */
export type DriftBefore = { readonly previous: DriftStatus | undefined; readonly now: Date };

/**
 * Drift against the cache, confirmed with one GET per suspect: the cache may be a watch event
 * behind Moor's own last apply, and that is not drift.
 */
export async function confirmDrift(
  cluster: { readonly kube: Pick<KubeClient, 'get'>; readonly live: LiveLookup },
  desired: readonly KubeObject[],
  before: DriftBefore,
  signal: AbortSignal,
): Promise<DriftCheck> {
  const { kube, live } = cluster;
  const suspects = checkDrift(desired, live, before.previous, before.now).drifted;
  if (suspects.length === 0) return { drifted: [], status: undefined, summary: [] };
  const fresh = new Map<string, KubeObject | undefined>();
  await Promise.all(
    suspects.map(async (o) => {
      const got = await kube.get(refOf(o), signal);
      fresh.set(objectKey(objectIdOf(o)), got.ok ? got.value : live(o));
    }),
  );
  const lookup = (o: KubeObject): KubeObject | undefined => {
    const key = objectKey(objectIdOf(o));
    return fresh.has(key) ? fresh.get(key) : live(o);
  };
  return checkDrift(desired, lookup, before.previous, before.now);
}

/** Applied objects the server still holds as being deleted: they come back once they are gone. */
export function remainingDrift(
  active: readonly KubeObject[],
  outcome: ApplyOutcome,
  before: DriftBefore,
): DriftCheck {
  const going = new Set(
    outcome.applied
      .filter((o) => o.metadata.deletionTimestamp !== undefined)
      .map((o) => objectKey(objectIdOf(o))),
  );
  const stuck = active.filter((o) => going.has(objectKey(objectIdOf(o))));
  return checkDrift(stuck, () => undefined, before.previous, before.now);
}

export type KnownDrift = {
  readonly mode: DriftMode;
  readonly newRevision: boolean;
  readonly drift: DriftCheck | undefined;
  readonly active: readonly KubeObject[];
  /** Objects left alone (`moor.dev/drift: ignore`). */
  readonly alone: readonly KubeObject[];
};

/**
 * When the apply failed on the desired state already applied, what is known of drift: Alert's
 * check, or in Correct mode the objects the apply could not bring back (gone or being deleted).
 */
export function driftOnFailure(
  revision: string,
  known: KnownDrift,
  live: LiveLookup,
  before: DriftBefore,
): { drift?: DriftStatus; conditions: ConditionUpdate[] } {
  if (known.newRevision || known.mode === 'Ignore') return { conditions: [] };
  const left = new Set(known.alone.map((o) => objectKey(objectIdOf(o))));
  const objects = known.active.filter((o) => !left.has(objectKey(objectIdOf(o))));
  const check = known.drift ?? checkMissing(objects, live, before.previous, before.now);
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
