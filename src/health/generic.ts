import type { KubeObject } from '../core/index.ts';
import { explain, findCondition, numberAt, statusOf } from './fields.ts';
import type { Health } from './types.ts';
import { current, failed, HealthStatus, inProgress } from './types.ts';

/**
 * The rules every kind shares, checked before the per-kind ones (kstatus
 * `checkGenericProperties`): a deletion timestamp means Terminating; an unobserved generation
 * means InProgress; `Reconciling=True` means InProgress and `Stalled=True` Failed. Undefined when
 * these rules do not decide.
 */
export function checkCommonRules(obj: KubeObject): Health | undefined {
  if (obj.metadata.deletionTimestamp) {
    return { status: HealthStatus.terminating, message: 'being deleted' };
  }
  const generation = obj.metadata.generation;
  const observed = numberAt(statusOf(obj), 'observedGeneration', NaN);
  if (typeof generation === 'number' && !Number.isNaN(observed) && observed !== generation) {
    return inProgress(`generation ${generation} not yet observed (observed ${observed})`);
  }
  const reconciling = findCondition(obj, 'Reconciling');
  if (reconciling?.status === 'True') {
    return inProgress(`reconciling${suffix(explain(reconciling))}`);
  }
  const stalled = findCondition(obj, 'Stalled');
  if (stalled?.status === 'True') return failed(`stalled${suffix(explain(stalled))}`);
  return undefined;
}

/**
 * Objects without a kind-specific rule: a `Ready` condition decides when there is one (True:
 * Current; False or Unknown: InProgress); otherwise, with or without a status, the object is
 * Current.
 */
export function assessGeneric(obj: KubeObject): Health {
  const ready = findCondition(obj, 'Ready');
  if (!ready) return current('current');
  if (ready.status === 'True') return current(`ready${suffix(ready.message)}`);
  return inProgress(`not ready${suffix(explain(ready))}`);
}

function suffix(text: string): string {
  return text ? `: ${text}` : '';
}
