/**
 * Whether a change to a managed live object wakes its Sync between reconciles. Pure: the watch
 * event, what the Sync applied, its drift mode, and whether it reports drift now.
 */
import type { DriftMode } from '../api/index.ts';
import type { KubeObject } from '../core/index.ts';
import { matchesDesired } from '../drift/index.ts';
import type { LiveChangeType } from '../kube/index.ts';
import { isDriftIgnored } from './sync/index.ts';
import { isJob, ttlFinishOf } from './finished-jobs.ts';

export type LiveChange = {
  readonly type: LiveChangeType;
  /** The live object; for `deleted`, its last state. */
  readonly live: KubeObject;
  /** The object as the Sync's applied revision renders it. */
  readonly desired: KubeObject;
  readonly mode: DriftMode;
  /** The Sync's status lists drift: a change may end it. */
  readonly reportsDrift: boolean;
};

export function wakesSync(change: LiveChange): boolean {
  const { type, live, desired } = change;
  // A finished Job its TTL removed: the reconcile records it as done (and does not re-create it).
  if (type === 'deleted' && isJob(live) && ttlFinishOf(live)) return true;
  if (change.reportsDrift) return true;
  // Ignore mode neither corrects nor reports drift: nothing to do until the next interval.
  if (change.mode === 'Ignore') return false;
  // A deleted object takes its own opt-out with it; one declared in Git still holds.
  if (isDriftIgnored(desired, type === 'deleted' ? undefined : live)) return false;
  if (type === 'deleted' || live.metadata.deletionTimestamp !== undefined) return true;
  return !matchesDesired(desired, live);
}
