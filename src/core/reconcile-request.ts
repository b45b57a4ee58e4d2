import { Annotations } from './labels.ts';

/** The merge patch that asks for a reconcile now (`moor reconcile`, the dashboard's button). */
export function reconcileRequestPatch(at: Date): {
  metadata: { annotations: Record<string, string> };
} {
  return { metadata: { annotations: { [Annotations.reconcileRequestedAt]: at.toISOString() } } };
}
