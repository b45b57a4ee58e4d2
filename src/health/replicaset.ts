import type { KubeObject } from '../core/index.ts';
import { explain, findCondition, numberAt, plural, specOf, statusOf } from './fields.ts';
import type { Health } from './types.ts';
import { current, inProgress } from './types.ts';

/** ReplicaSet (kstatus rules): every replica labelled, available and ready, no extra ones. */
export function assessReplicaSet(obj: KubeObject): Health {
  const failure = findCondition(obj, 'ReplicaFailure');
  if (failure?.status === 'True') {
    return inProgress(
      `replica failure${failure.reason || failure.message ? `: ${explain(failure)}` : ''}`,
    );
  }
  const status = statusOf(obj);
  const want = numberAt(specOf(obj), 'replicas', 1);
  const replicas = numberAt(status, 'replicas', 0);
  const labelled = numberAt(status, 'fullyLabeledReplicas', 0);
  const available = numberAt(status, 'availableReplicas', 0);
  const ready = numberAt(status, 'readyReplicas', 0);
  if (want > labelled) return inProgress(`${labelled} of ${want} replicas labelled`);
  if (want > available) return inProgress(`${available} of ${want} replicas available`);
  if (want > ready) return inProgress(`${ready} of ${want} replicas ready`);
  if (replicas > want) {
    return inProgress(`${plural(replicas - want, 'extra replica')} pending termination`);
  }
  return current(`${plural(replicas, 'replica')} available`);
}
