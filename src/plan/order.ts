import type { ObjectId } from '../core/index.ts';

/**
 * Apply order of kinds, after fluxcd/pkg `ssa/sort.go`: definitions and the things others refer
 * to first (a Service before what uses it), webhooks last (so they do not block the rest);
 * kinds not listed go between the two lists.
 */
export const KIND_ORDER_FIRST: readonly string[] = [
  'CustomResourceDefinition',
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Service',
  'LimitRange',
  'PriorityClass',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];
export const KIND_ORDER_LAST: readonly string[] = [
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

const rank = new Map<string, number>([
  ...KIND_ORDER_FIRST.map((kind, i): [string, number] => [kind, i - KIND_ORDER_FIRST.length]),
  ...KIND_ORDER_LAST.map((kind, i): [string, number] => [kind, i + 1]),
]);

/** Negative for kinds applied first, 0 for unlisted kinds, positive for kinds applied last. */
export function kindRank(kind: string): number {
  return rank.get(kind) ?? 0;
}

/** Apply order: kind rank, then group, kind, namespace, name (code-unit order). */
export function compareForApply(a: ObjectId, b: ObjectId): number {
  return (
    kindRank(a.kind) - kindRank(b.kind) ||
    compareText(a.group, b.group) ||
    compareText(a.kind, b.kind) ||
    compareText(a.namespace, b.namespace) ||
    compareText(a.name, b.name)
  );
}

/**
 * Cluster definitions, applied (and waited for) in a stage before everything else, as fluxcd/pkg
 * `IsClusterDefinition` does: CustomResourceDefinitions (custom resources need them), Namespaces
 * (namespaced objects need them) and ClusterRoles (bindings to them are checked on dry-run).
 */
export function isClusterDefinition(id: Pick<ObjectId, 'group' | 'kind'>): boolean {
  return (
    (id.group === 'apiextensions.k8s.io' && id.kind === 'CustomResourceDefinition') ||
    (id.group === '' && id.kind === 'Namespace') ||
    (id.group === 'rbac.authorization.k8s.io' && id.kind === 'ClusterRole')
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
