// Inspect: a Sync's objects and what they own (`moor tree`), and where an object came from
// (`moor trace`).
export { gatherTree } from './gather-tree.ts';
export { buildTree, ownedKinds, MAX_TREE_DEPTH, type TreeInput, type TreeNode } from './tree.ts';
export {
  entryMatches,
  parseTraceQuery,
  traceObject,
  type Trace,
  type TraceQuery,
} from './trace.ts';
export { checkCrds, type CrdState } from './crds.ts';
