import type { KubeObject } from '../core/index.ts';
import { formatObjectId, objectIdOf, parseApiVersion } from '../core/index.ts';
import { assessAvailable } from './available.ts';
import { assessCustomResourceDefinition } from './customresourcedefinition.ts';
import { assessDaemonSet } from './daemonset.ts';
import { assessDeployment } from './deployment.ts';
import { assessGeneric, checkCommonRules } from './generic.ts';
import { assessJob } from './job.ts';
import { assessNamespace } from './namespace.ts';
import { assessPersistentVolumeClaim } from './persistentvolumeclaim.ts';
import { assessPod } from './pod.ts';
import { assessReplicaSet } from './replicaset.ts';
import { assessService } from './service.ts';
import { assessStatefulSet } from './statefulset.ts';
import type { AssessContext, Health, KindRule } from './types.ts';
import { HealthStatus } from './types.ts';

/** Per-kind rules by `group/Kind` (core group: `Kind`). Kinds not listed get the generic rule. */
export const KIND_RULES: ReadonlyMap<string, KindRule> = new Map<string, KindRule>([
  ['apps/Deployment', assessDeployment],
  ['extensions/Deployment', assessDeployment],
  ['apps/StatefulSet', assessStatefulSet],
  ['apps/DaemonSet', assessDaemonSet],
  ['extensions/DaemonSet', assessDaemonSet],
  ['apps/ReplicaSet', assessReplicaSet],
  ['extensions/ReplicaSet', assessReplicaSet],
  ['batch/Job', assessJob],
  ['Pod', assessPod],
  ['PersistentVolumeClaim', assessPersistentVolumeClaim],
  ['Service', assessService],
  ['Namespace', assessNamespace],
  ['apiextensions.k8s.io/CustomResourceDefinition', assessCustomResourceDefinition],
  ['apiregistration.k8s.io/APIService', assessAvailable],
]);

/**
 * Assesses a live object with the kstatus rules: first the rules all kinds share (deletion,
 * observed generation, `Reconciling`/`Stalled` conditions), then its kind's rule, else the
 * generic rule (`Ready` condition; no status is Current). The message starts with the object's
 * name. Pure: the time comes in through `context`.
 */
export function assessHealth(obj: KubeObject, context: AssessContext = {}): Health {
  const name = formatObjectId(objectIdOf(obj));
  const health = assessUnnamed(obj, context);
  return { status: health.status, message: `${name}: ${health.message}` };
}

function assessUnnamed(obj: KubeObject, context: AssessContext): Health {
  if (obj.status !== undefined && (typeof obj.status !== 'object' || Array.isArray(obj.status))) {
    return { status: HealthStatus.unknown, message: 'status is not an object' };
  }
  const common = checkCommonRules(obj);
  if (common) return common;
  const { group } = parseApiVersion(obj.apiVersion);
  const rule = KIND_RULES.get(group ? `${group}/${obj.kind}` : obj.kind);
  return rule ? rule(obj, context) : assessGeneric(obj);
}
