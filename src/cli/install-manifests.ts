// Everything an in-cluster install needs, as plain objects: `moor install --export` prints them.
import { generateCrds } from '../api/index.ts';
import type { KubeObject } from '../core/index.ts';

export const INSTALL_NAMESPACE = 'moor-system';
/** The Lease the installed operator elects its leader with (`--leader-elect-lease-name`). */
export const DEFAULT_LEASE_NAME = 'moor-operator-leader';
export const OPERATOR_NAME = 'moor-operator';
export const IMAGE_REPOSITORY = 'ghcr.io/moor-dev/moor';
const HTTP_PORT = 9090;

const partOf = { 'app.kubernetes.io/part-of': 'moor' };
const selector = { 'app.kubernetes.io/name': OPERATOR_NAME };

/** Namespace, CRDs, service account, RBAC and the operator Deployment, in apply order. */
export function buildInstallManifests(version: string): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: INSTALL_NAMESPACE, labels: { ...partOf } },
    },
    ...generateCrds(),
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: OPERATOR_NAME, namespace: INSTALL_NAMESPACE, labels: { ...partOf } },
    },
    buildClusterRole(),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: OPERATOR_NAME, labels: { ...partOf } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: OPERATOR_NAME },
      subjects: [{ kind: 'ServiceAccount', name: OPERATOR_NAME, namespace: INSTALL_NAMESPACE }],
    },
    ...buildLeaderElectionRbac(),
    buildDeployment(version),
  ];
}

/**
 * The operator applies whatever Git holds, so it may act on every kind; a Sync narrows that with
 * `spec.serviceAccountName` (impersonation, which this role also grants).
 */
function buildClusterRole(): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: OPERATOR_NAME, labels: { ...partOf } },
    rules: [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ],
  };
}

/**
 * Replicas elect a leader with a Lease in the install namespace (the Deployment's rolling update
 * runs two at once): this Role says so explicitly, whatever the ClusterRole grants.
 */
function buildLeaderElectionRbac(): KubeObject[] {
  const name = `${OPERATOR_NAME}-leader-election`;
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name, namespace: INSTALL_NAMESPACE, labels: { ...partOf } },
      rules: [
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          verbs: ['get', 'create', 'update'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace: INSTALL_NAMESPACE, labels: { ...partOf } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name: OPERATOR_NAME, namespace: INSTALL_NAMESPACE }],
    },
  ];
}

function buildDeployment(version: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: OPERATOR_NAME,
      namespace: INSTALL_NAMESPACE,
      labels: { ...partOf, ...selector },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { ...selector } },
      template: {
        metadata: { labels: { ...partOf, ...selector } },
        spec: {
          serviceAccountName: OPERATOR_NAME,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'operator',
              image: `${IMAGE_REPOSITORY}:${version}`,
              args: [
                'operator',
                `--http-addr=0.0.0.0:${HTTP_PORT}`,
                '--storage-path=/data',
                '--log-level=info',
                '--leader-elect',
                `--leader-elect-lease-name=${DEFAULT_LEASE_NAME}`,
                '--leader-elect-namespace=$(POD_NAMESPACE)',
                '--leader-elect-identity=$(POD_NAME)',
              ],
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                {
                  name: 'POD_NAMESPACE',
                  valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
                },
              ],
              ports: [{ name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' }],
              resources: {
                requests: { cpu: '50m', memory: '128Mi' },
                limits: { memory: '1Gi' },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'data', mountPath: '/data' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'data', emptyDir: {} },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  };
}
