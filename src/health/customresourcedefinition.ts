import type { KubeObject } from '../core/index.ts';
import { explain, findCondition } from './fields.ts';
import type { Health } from './types.ts';
import { current, failed, inProgress } from './types.ts';

/**
 * CustomResourceDefinition: Current once Established; Failed when its names are not accepted,
 * or when it is not established for a reason other than still installing.
 */
export function assessCustomResourceDefinition(obj: KubeObject): Health {
  const names = findCondition(obj, 'NamesAccepted');
  if (names?.status === 'False') return failed(`names not accepted: ${explain(names)}`);
  const established = findCondition(obj, 'Established');
  if (established?.status === 'True') return current('established');
  if (established?.status === 'False' && established.reason !== 'Installing') {
    return failed(`not established: ${explain(established)}`);
  }
  return inProgress('not yet established');
}
