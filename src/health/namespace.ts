import type { KubeObject } from '../core/index.ts';
import { statusOf, stringAt } from './fields.ts';
import type { Health } from './types.ts';
import { current, HealthStatus, inProgress } from './types.ts';

/** Namespace: Current when Active (or not yet given a phase), Terminating while being deleted. */
export function assessNamespace(obj: KubeObject): Health {
  const phase = stringAt(statusOf(obj), 'phase', '');
  if (phase === 'Active' || phase === '') return current('active');
  if (phase === 'Terminating') return { status: HealthStatus.terminating, message: 'terminating' };
  return inProgress(`phase ${phase}`);
}
