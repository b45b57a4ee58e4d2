import type { KubeObject } from '../core/index.ts';
import { numberAt, plural, specOf, statusOf, stringAt } from './fields.ts';
import type { Health } from './types.ts';
import { current, inProgress } from './types.ts';

/**
 * StatefulSet (kstatus rules): its controller sets no conditions, so only counts and revisions
 * say whether a rollout is done. `OnDelete` update strategy is always Current (the user rolls).
 */
export function assessStatefulSet(obj: KubeObject): Health {
  const spec = specOf(obj);
  const status = statusOf(obj);
  if (stringAt(spec, 'updateStrategy.type', '') === 'OnDelete') {
    return current('uses the OnDelete update strategy');
  }
  const want = numberAt(spec, 'replicas', 1);
  const replicas = numberAt(status, 'replicas', 0);
  const ready = numberAt(status, 'readyReplicas', 0);
  const currentReplicas = numberAt(status, 'currentReplicas', 0);
  const updated = numberAt(status, 'updatedReplicas', 0);
  const partition = numberAt(spec, 'updateStrategy.rollingUpdate.partition', -1);
  if (want > replicas) return inProgress(`${replicas} of ${want} replicas created`);
  if (want > ready) return inProgress(`${ready} of ${want} replicas ready`);
  if (replicas > want) {
    return inProgress(`${plural(replicas - want, 'old replica')} pending termination`);
  }
  if (partition !== -1) {
    const toUpdate = Math.max(want - partition, 0);
    if (updated < toUpdate) {
      return inProgress(`${updated} of ${toUpdate} replicas above partition ${partition} updated`);
    }
    return current(`partitioned rollout done: ${plural(updated, 'replica')} updated`);
  }
  if (want > currentReplicas) {
    return inProgress(`${currentReplicas} of ${want} replicas at the current revision`);
  }
  if (stringAt(status, 'currentRevision', '') !== stringAt(status, 'updateRevision', '')) {
    return inProgress('waiting for the update revision to become current');
  }
  return current(`${plural(replicas, 'replica')} ready`);
}
