export { backoffDelay, jitter, type Random } from './backoff.ts';
export { MoorError } from './errors.ts';
export {
  formatApiVersion,
  formatObjectId,
  kindKey,
  nameKey,
  nameKeyOf,
  objectKey,
  parseApiVersion,
  splitNameKey,
  type ObjectId,
} from './ids.ts';
export {
  API_GROUP,
  API_GROUP_VERSION,
  API_VERSION,
  Annotations,
  FIELD_MANAGER,
  Finalizers,
  Kinds,
  Labels,
  type MoorKind,
  HelmAnnotations,
  HonouredHelmHooks,
  helmHookPhase,
} from './labels.ts';
export { err, ok, type Result } from './result.ts';
export {
  isRecord,
  objectIdOf,
  type KubeObject,
  type ManagedFieldsEntry,
  type ObjectMeta,
} from './object.ts';
export {
  ConditionReasons,
  ConditionStatuses,
  ConditionTypes,
  formatConditionTime,
  getCondition,
  isConditionCurrent,
  isConditionFalse,
  isConditionTrue,
  removeCondition,
  setCondition,
  type Condition,
  type ConditionReason,
  type ConditionStatus,
  type ConditionType,
  type ConditionUpdate,
} from './conditions.ts';
export { systemClock, type Clock } from './clock.ts';
export type { LogFn, Logger } from './logger.ts';
export type { SecretData, SecretReader } from './secrets.ts';
export { jsonEqual, stableStringify } from './stable-json.ts';
export { pinPatch, reconcileRequestPatch, suspendPatch, unpinPatch } from './reconcile-request.ts';
