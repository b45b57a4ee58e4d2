import type { KubeObject } from '../core/index.ts';
import { conditionsOf, numberAt, plural, specOf, statusOf } from './fields.ts';
import type { Health } from './types.ts';
import { current, failed, inProgress } from './types.ts';

/** The value the controller uses for "no progress deadline". */
const NO_DEADLINE = 2 ** 31 - 1;

type DeploymentConditions = {
  readonly failed?: Health;
  readonly progressing: boolean;
  readonly available: boolean;
};

/** What the Progressing and Available conditions say; `failed` past the progress deadline. */
function readConditions(obj: KubeObject, deadlineSeconds: number): DeploymentConditions {
  let progressing = deadlineSeconds === NO_DEADLINE;
  let available = false;
  for (const c of conditionsOf(obj)) {
    if (c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded') {
      const why = `progress deadline exceeded${c.message ? `: ${c.message}` : ''}`;
      return { failed: failed(why), progressing, available };
    }
    if (c.type === 'Progressing' && c.status === 'True' && c.reason === 'NewReplicaSetAvailable') {
      progressing = true;
    }
    if (c.type === 'Available' && c.status === 'True') available = true;
  }
  return { progressing, available };
}

/** Deployment: rolled out when every replica is updated, available and ready (kstatus rules). */
export function assessDeployment(obj: KubeObject): Health {
  const spec = specOf(obj);
  const status = statusOf(obj);
  const seen = readConditions(obj, numberAt(spec, 'progressDeadlineSeconds', NO_DEADLINE));
  if (seen.failed) return seen.failed;
  const { progressing, available } = seen;
  const want = numberAt(spec, 'replicas', 1);
  const replicas = numberAt(status, 'replicas', 0);
  const updated = numberAt(status, 'updatedReplicas', 0);
  const ready = numberAt(status, 'readyReplicas', 0);
  const availableReplicas = numberAt(status, 'availableReplicas', 0);
  if (want > replicas) return inProgress(`${replicas} of ${want} replicas created`);
  if (want > updated) return inProgress(`${updated} of ${want} replicas updated`);
  if (replicas > want) {
    return inProgress(`${plural(replicas - want, 'old replica')} pending termination`);
  }
  if (updated > availableReplicas) {
    return inProgress(`${availableReplicas} of ${updated} updated replicas available`);
  }
  if (want > ready) return inProgress(`${ready} of ${want} replicas ready`);
  if (!progressing) return inProgress('new ReplicaSet not yet available');
  if (!available) return inProgress('not yet Available');
  return current(`${plural(replicas, 'replica')} available`);
}
