/**
 * Whether a server-side dry-run result differs from the live object: the dry-run returns what the
 * object would be after the apply, so equal means the apply would write nothing.
 */
import { stableStringify, type KubeObject } from '../core/index.ts';

function normalize(obj: KubeObject): unknown {
  const { resourceVersion: _rv, generation: _g, managedFields, ...metadata } = obj.metadata;
  return {
    ...obj,
    metadata: {
      ...metadata,
      managedFields: (managedFields ?? []).map(({ time: _t, ...rest }) => rest),
    },
  };
}

export function wouldChange(dryRun: KubeObject, live: KubeObject): boolean {
  return stableStringify(normalize(dryRun)) !== stableStringify(normalize(live));
}
