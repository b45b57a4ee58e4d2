// Apply: execute a change set with server-side apply (validate all, write by stage, prune).
export { applyPlan } from './apply.ts';
export { assessObjects, type HealthReport } from './health-wait.ts';
export { wouldChange } from './compare.ts';
export { isEstablished, pollUntil, refOf } from './wait.ts';
export {
  ApplyPhases,
  type Adoption,
  type ApplyDeps,
  type ApplyOutcome,
  type ApplyPhase,
  type ApplyRequest,
  type Conflict,
} from './types.ts';
