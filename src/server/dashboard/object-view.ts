/** A live object as the dashboard shows it: YAML with managedFields apart, Secret values masked. */
import { stringify } from 'yaml';
import type { KubeObject } from '../../core/index.ts';
import type { DriftFieldView, ObjectView } from './types.ts';

export const MASK = '***';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** A copy of `obj` that holds no value of a Secret: every data/stringData value is masked. */
export function redactObject(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj);
  const annotations = copy.metadata.annotations;
  if (annotations && LAST_APPLIED in annotations) annotations[LAST_APPLIED] = MASK;
  if (obj.kind === 'Secret') {
    for (const field of ['data', 'stringData']) {
      const values = copy[field];
      if (values !== null && typeof values === 'object') {
        copy[field] = Object.fromEntries(Object.keys(values).map((k) => [k, MASK]));
      }
    }
  }
  return copy;
}

export function viewObject(
  id: string,
  obj: KubeObject,
  drift: readonly DriftFieldView[],
): ObjectView {
  const { managedFields, ...metadata } = redactObject(obj).metadata as KubeObject['metadata'] & {
    managedFields?: unknown;
  };
  const shown = { ...redactObject(obj), metadata };
  return {
    id,
    yaml: stringify(shown, { lineWidth: 0 }),
    managedFields: managedFields === undefined ? '' : stringify(managedFields, { lineWidth: 0 }),
    drift,
  };
}
