import type { KubeObject } from '../core/index.ts';
import { statusOf, stringAt } from './fields.ts';
import type { Health } from './types.ts';
import { current, failed, inProgress } from './types.ts';

/** PersistentVolumeClaim: Current when Bound, Failed when its volume is Lost. */
export function assessPersistentVolumeClaim(obj: KubeObject): Health {
  const phase = stringAt(statusOf(obj), 'phase', '');
  if (phase === 'Bound') return current('bound');
  if (phase === 'Lost') return failed('lost its volume');
  return inProgress(phase ? `${phase}, not yet bound` : 'not yet bound');
}
