// The Sync reconciler: reconcile.ts is the effectful shell, decide.ts the pure decision.
export {
  reconcileSync,
  type SyncReconcilerDeps,
  type SyncReport,
  type SyncSources,
} from './reconcile.ts';
export type { ClusterView, DesiredMemory } from './apply.ts';
export {
  forgetRendered,
  type KindScopes,
  type RenderCache,
  type RenderHandles,
  type ResolveKind,
} from './render.ts';
export { isDriftIgnored } from './drift-check.ts';
export { changedFirst, skippable, touchesReads, unchangedFor, type LastApply } from './skip.ts';
