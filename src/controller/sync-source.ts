/** A Sync whose source has no artifact: say whether the GitRepository is missing or still fetching. */
import { ConditionReasons, ConditionTypes, getCondition, type Condition } from '../core/index.ts';
import { fail, type Ctx } from './sync-context.ts';

/**
 * A GitRepository that does not exist stalls the Sync (`SourceNotFound`); creating it wakes the
 * Sync through its first artifact. One that exists but has no artifact yet is waited for, with
 * the reason it gave when its last fetch failed.
 */
export function reportNoArtifact(
  ctx: Ctx,
  namespace: string,
  name: string,
): ReturnType<typeof fail> {
  const source = `GitRepository ${namespace}/${name}`;
  const obj = ctx.deps.lookupSource(namespace, name);
  if (!obj && ctx.deps.sourcesListed()) {
    return fail(ctx, ConditionReasons.SourceNotFound, `${source} does not exist`, {
      stalled: true,
    });
  }
  const conditions = (obj?.status as { conditions?: Condition[] } | undefined)?.conditions;
  const ready = getCondition(conditions, ConditionTypes.Ready);
  const why = ready?.status === 'False' ? `: ${ready.reason}: ${ready.message}` : '';
  return fail(ctx, ConditionReasons.ArtifactNotReady, `${source} has no artifact yet${why}`);
}
