// What the commands take from Moor's other parts, in one place: commands/ imports from here.
// Only light modules are imported up front; the schemas (zod) and the controllers load on demand,
// so that `moor get` and friends start fast.
export {
  API_GROUP_VERSION,
  Annotations,
  FIELD_MANAGER,
  Kinds,
  Labels,
  type KubeObject,
  type Result,
  pinPatch,
  reconcileRequestPatch,
  suspendPatch,
  unpinPatch,
} from '../core/index.ts';
export type { ApiValidationError } from '../api/index.ts';
export type { InClusterOptions, KubeClient } from '../kube/index.ts';
export type { LeaderElectionConfig, OperatorOptions } from '../controller/index.ts';

/** The resource schemas, parsers, CRDs and durations (src/api, built on zod). */
export async function loadApi() {
  return import('../api/index.ts');
}

/** The controllers, loaded only by `moor operator` (the other commands need none of them). */
export async function loadController() {
  return import('../controller/index.ts');
}

/** The Git client (src/git), for the commands that fetch a ref themselves (`diff --ref`). */
export async function loadGit() {
  return import('../git/index.ts');
}
