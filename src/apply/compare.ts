/**
 * Whether a server-side dry-run result differs from the live object: the dry-run returns what the
 * object would be after the apply, so equal means the apply would write nothing.
 */
import type { KubeObject } from '../core/index.ts';

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

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function wouldChange(dryRun: KubeObject, live: KubeObject): boolean {
  return stableStringify(normalize(dryRun)) !== stableStringify(normalize(live));
}
