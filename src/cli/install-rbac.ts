// The operator's RBAC (ADR 0026): least privilege by default, cluster-admin-level applying only
// when asked for (`--cluster-admin`).
import type { KubeObject } from '../core/index.ts';

const RBAC = 'rbac.authorization.k8s.io/v1';
const partOf = { 'app.kubernetes.io/part-of': 'moor' };

/** Names of the roles, for the binding and for `moor uninstall`. */
export const RoleNames = {
  operator: 'moor-operator',
  clusterAdmin: 'moor-operator-cluster-admin',
} as const;

/**
 * What the operator needs whatever Git holds: read and watch every kind (the live cache, drift,
 * health and discovery read what Syncs apply), write its own resources (finalizers, status),
 * Events, and impersonate service accounts: each Sync applies as its `spec.serviceAccountName`,
 * with that account's rights and no more. Besides: create each Sync's SyncHistory (ADR 0032),
 * and the dashboard's token and access reviews.
 */
function operatorRole(): KubeObject {
  return {
    apiVersion: RBAC,
    kind: 'ClusterRole',
    metadata: { name: RoleNames.operator, labels: { ...partOf } },
    rules: [
      { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] },
      {
        apiGroups: ['moor.dev'],
        resources: ['*'],
        verbs: ['get', 'list', 'watch', 'patch', 'update'],
      },
      {
        apiGroups: ['moor.dev'],
        resources: ['*/status', '*/finalizers'],
        verbs: ['get', 'patch', 'update'],
      },
      { apiGroups: ['moor.dev'], resources: ['synchistories'], verbs: ['create'] },
      { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
      { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
      // The dashboard (ADR 0027) asks the API server who a token is and what it may do.
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      {
        apiGroups: ['authorization.k8s.io'],
        resources: ['subjectaccessreviews'],
        verbs: ['create'],
      },
    ],
  };
}

/** The opt-in: the operator itself may apply any kind anywhere (Syncs without a service account). */
function clusterAdminRole(): KubeObject {
  return {
    apiVersion: RBAC,
    kind: 'ClusterRole',
    metadata: { name: RoleNames.clusterAdmin, labels: { ...partOf } },
    rules: [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ],
  };
}

function binding(role: string, account: { name: string; namespace: string }): KubeObject {
  return {
    apiVersion: RBAC,
    kind: 'ClusterRoleBinding',
    metadata: { name: role, labels: { ...partOf } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'ServiceAccount', ...account }],
  };
}

/** The ClusterRoles, then their bindings to the operator's service account. */
export function buildClusterRbac(
  account: { name: string; namespace: string },
  clusterAdmin: boolean,
): KubeObject[] {
  const roles = clusterAdmin ? [operatorRole(), clusterAdminRole()] : [operatorRole()];
  return [...roles, ...roles.map((r) => binding(r.metadata.name ?? '', account))];
}
