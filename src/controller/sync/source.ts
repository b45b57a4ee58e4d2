/** A Sync whose source has no artifact: say whether the GitRepository is missing or still fetching. */
import {
  ConditionReasons,
  ConditionTypes,
  getCondition,
  type Condition,
  type KubeObject,
} from '../../core/index.ts';
import type { Failed } from './outcome.ts';

export type SourceView = {
  /** The GitRepository as the informer holds it (undefined: absent, or not yet listed). */
  readonly lookup: (namespace: string, name: string) => KubeObject | undefined;
  /** True once the GitRepository informer has listed: an absent source then does not exist. */
  readonly listed: () => boolean;
};

/**
 * A GitRepository that does not exist stalls the Sync (`SourceNotFound`); creating it wakes the
 * Sync through its first artifact. One that exists but has no artifact yet is waited for, with
 * the reason it gave when its last fetch failed.
 */
export function noArtifact(sources: SourceView, namespace: string, name: string): Failed {
  const source = `GitRepository ${namespace}/${name}`;
  const obj = sources.lookup(namespace, name);
  if (!obj && sources.listed()) {
    const message = `${source} does not exist`;
    return { kind: 'failed', reason: ConditionReasons.SourceNotFound, message, stalled: true };
  }
  const conditions = (obj?.status as { conditions?: Condition[] } | undefined)?.conditions;
  const ready = getCondition(conditions, ConditionTypes.Ready);
  const why = ready?.status === 'False' ? `: ${ready.reason}: ${ready.message}` : '';
  const message = `${source} has no artifact yet${why}`;
  return { kind: 'failed', reason: ConditionReasons.ArtifactNotReady, message };
}
