// Everything an in-cluster install needs, as plain objects: `moor install --export` prints them.
import { generateCrds } from '../api/index.ts';
import type { KubeObject } from '../core/index.ts';
import { buildNetworkObjects } from './install-network.ts';
import { buildClusterRbac } from './install-rbac.ts';

export const INSTALL_NAMESPACE = 'moor-system';
/** The Lease the installed operator elects its leader with (`--leader-elect-lease-name`). */
export const DEFAULT_LEASE_NAME = 'moor-operator-leader';
export const OPERATOR_NAME = 'moor-operator';
export const IMAGE_REPOSITORY = 'ghcr.io/moor-dev/moor';
const HTTP_PORT = 9090;

const partOf = { 'app.kubernetes.io/part-of': 'moor' };
const selector = { 'app.kubernetes.io/name': OPERATOR_NAME };

export type InstallOptions = {
  /** Bind the cluster-admin-level role too: Syncs without a service account may apply anything. */
  readonly clusterAdmin?: boolean;
};

/**
 * Namespace, CRDs, service account, RBAC, Service, NetworkPolicy and the operator Deployment, in
 * apply order.
 */
export function buildInstallManifests(version: string, opts: InstallOptions = {}): KubeObject[] {
  const account = { name: OPERATOR_NAME, namespace: INSTALL_NAMESPACE };
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
    ...buildClusterRbac(account, opts.clusterAdmin === true),
    ...buildLeaderElectionRbac(),
    ...buildNetworkObjects({ ...account, selector, port: HTTP_PORT }),
    buildDeployment(version),
  ];
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
          verbs: ['get', 'create', 'update', 'watch'],
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
      replicas: 2,
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
              livenessProbe: {
                httpGet: { path: '/healthz', port: 'http' },
                periodSeconds: 10,
                failureThreshold: 3,
              },
              readinessProbe: {
                httpGet: { path: '/readyz', port: 'http' },
                periodSeconds: 5,
                failureThreshold: 2,
              },
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
