import { compareForApply, isClusterDefinition } from './order.ts';
import type { InventoryEntry } from './inventory.ts';

/**
 * Deletion order of a Sync's inventory, the apply order reversed (ADR 0026): first everything
 * that is not a cluster definition (webhooks first, then the kinds in reverse apply order), then
 * Namespaces and ClusterRoles once their contents and bindings are gone, CRDs last (their custom
 * resources go first). Each wave waits until the one before it is gone. Empty waves are left out.
 */
export function planTeardown(entries: readonly InventoryEntry[]): InventoryEntry[][] {
  const reversed = [...entries].sort((a, b) => compareForApply(b, a));
  const isCrd = (e: InventoryEntry): boolean =>
    e.group === 'apiextensions.k8s.io' && e.kind === 'CustomResourceDefinition';
  const waves = [
    reversed.filter((e) => !isClusterDefinition(e)),
    reversed.filter((e) => isClusterDefinition(e) && !isCrd(e)),
    reversed.filter(isCrd),
  ];
  return waves.filter((w) => w.length > 0);
}
