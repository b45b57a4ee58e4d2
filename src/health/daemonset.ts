import type { KubeObject } from '../core/index.ts';
import { numberAt, plural, statusOf } from './fields.ts';
import type { Health } from './types.ts';
import { current, inProgress } from './types.ts';

/** DaemonSet (kstatus rules): every scheduled pod current, updated, available and ready. */
export function assessDaemonSet(obj: KubeObject): Health {
  const status = statusOf(obj);
  // The controller always writes these once it has seen the object; without them it has not.
  if (typeof obj.metadata.generation !== 'number') return inProgress('no metadata.generation yet');
  if (typeof status.observedGeneration !== 'number') {
    return inProgress('not yet observed by its controller');
  }
  const desired = numberAt(status, 'desiredNumberScheduled', -1);
  if (desired === -1) return inProgress('desired number of pods not yet known');
  const scheduled = numberAt(status, 'currentNumberScheduled', 0);
  const updated = numberAt(status, 'updatedNumberScheduled', 0);
  const available = numberAt(status, 'numberAvailable', 0);
  const ready = numberAt(status, 'numberReady', 0);
  if (desired > scheduled) return inProgress(`${scheduled} of ${desired} pods scheduled`);
  if (desired > updated) return inProgress(`${updated} of ${desired} pods updated`);
  if (desired > available) return inProgress(`${available} of ${desired} pods available`);
  if (desired > ready) return inProgress(`${ready} of ${desired} pods ready`);
  return current(`${plural(desired, 'pod')} ready`);
}
