import type { KubeObject } from '../core/index.ts';
import { specOf, statusOf, stringAt, valueAt } from './fields.ts';
import type { Health } from './types.ts';
import { current, inProgress } from './types.ts';

/** Service: a LoadBalancer waits for an ingress address; other types are Current. */
export function assessService(obj: KubeObject): Health {
  if (stringAt(specOf(obj), 'type', 'ClusterIP') !== 'LoadBalancer') return current('ready');
  const ingress = valueAt(statusOf(obj), 'loadBalancer.ingress');
  if (Array.isArray(ingress) && ingress.length > 0) return current('load balancer ready');
  return inProgress('waiting for a load balancer address');
}
