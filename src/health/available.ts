import type { KubeObject } from '../core/index.ts';
import { explain, findCondition } from './fields.ts';
import type { Health } from './types.ts';
import { current, failed, inProgress } from './types.ts';

/**
 * Built-in kinds whose controller reports an `Available` condition and nothing richer
 * (APIService: the kube-aggregator's availability check). True is Current; False is Failed with
 * the controller's reason and message (a backend Service without endpoints, a failing discovery
 * check); Unknown or absent is InProgress (not yet checked).
 */
export function assessAvailable(obj: KubeObject): Health {
  const available = findCondition(obj, 'Available');
  if (available?.status === 'True') return current('available');
  if (available?.status === 'False') return failed(`not available: ${explain(available)}`);
  if (available) return inProgress(`availability not yet known: ${explain(available)}`);
  return inProgress('availability not yet reported');
}
