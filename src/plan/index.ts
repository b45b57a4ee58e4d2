// Plan: desired objects + previous inventory → ordered apply stages and a prune set.
export {
  CHANGE_ACTIONS,
  ChangeAction,
  formatChangeSummary,
  summarizeChangeSet,
  type ChangeCounts,
  type ChangeEntry,
  type ChangeSet,
} from './change-set.ts';
export {
  diffInventory,
  entryKey,
  inventoryEntryOf,
  type InventoryDiff,
  type InventoryEntry,
} from './inventory.ts';
export {
  compareForApply,
  isClusterDefinition,
  KIND_ORDER_FIRST,
  KIND_ORDER_LAST,
  kindRank,
} from './order.ts';
export { planChangeSet, type DesiredObject, type Plan, type PlanInput } from './plan.ts';
export { planTeardown } from './teardown.ts';
