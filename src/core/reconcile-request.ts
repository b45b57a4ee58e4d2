import { Annotations } from './labels.ts';

/** The merge patch that asks for a reconcile now (`moor reconcile`, the dashboard's button). */
export function reconcileRequestPatch(at: Date): {
  metadata: { annotations: Record<string, string> };
} {
  return { metadata: { annotations: { [Annotations.reconcileRequestedAt]: at.toISOString() } } };
}

/** The merge patch of `moor suspend` (true) and `moor resume` (false), and the dashboard's. */
export function suspendPatch(suspend: boolean): { spec: { suspend: boolean } } {
  return { spec: { suspend } };
}

/** The merge patch of `moor rollback sync --pin` and the dashboard's rollback: spec.pin. */
export function pinPatch(
  revision: string,
  reason?: string,
): { spec: { pin: { revision: string; reason?: string } } } {
  return { spec: { pin: { revision, ...(reason ? { reason } : {}) } } };
}

/** The merge patch of `moor rollback sync --unpin` and the dashboard's: the pin removed. */
export function unpinPatch(): { spec: { pin: null } } {
  return { spec: { pin: null } };
}
