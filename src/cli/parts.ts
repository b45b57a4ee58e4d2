// What the commands take from Moor's other parts, in one place: commands/ imports from here.
export {
  API_GROUP_VERSION,
  DriftModes,
  Kinds,
  generateCrds,
  parseGitRepository,
  parseSync,
  safeParseDuration,
  type ApiValidationError,
} from '../api/index.ts';
export { Annotations, FIELD_MANAGER, type KubeObject, type Result } from '../core/index.ts';
export type { KubeClient } from '../kube/index.ts';
export type { LeaderElectionConfig, OperatorOptions } from '../controller/index.ts';

/** The controllers, loaded only by `moor operator` (the other commands need none of them). */
export async function loadController() {
  return import('../controller/index.ts');
}
