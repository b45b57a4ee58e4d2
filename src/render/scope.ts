import type { KubeObject } from '../core/index.ts';
import { parseApiVersion } from '../core/index.ts';

/** Answers whether a kind is namespaced; `undefined` when it does not know (e.g. discovery has no such kind yet). */
export type IsNamespaced = (apiVersion: string, kind: string) => boolean | undefined;

/** Well-known cluster-scoped kinds by `group/kind` (core group: `/kind`). Every other kind is namespaced unless told. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment',
  'storage.k8s.io/VolumeAttributesClass',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'networking.k8s.io/IngressClass',
  'networking.k8s.io/IPAddress',
  'networking.k8s.io/ServiceCIDR',
  'certificates.k8s.io/CertificateSigningRequest',
  'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'policy/PodSecurityPolicy',
  'resource.k8s.io/DeviceClass',
  'resource.k8s.io/ResourceSlice',
  'authentication.k8s.io/TokenReview',
  'authentication.k8s.io/SelfSubjectReview',
  'authorization.k8s.io/SubjectAccessReview',
  'authorization.k8s.io/SelfSubjectAccessReview',
  'authorization.k8s.io/SelfSubjectRulesReview',
  'snapshot.storage.k8s.io/VolumeSnapshotClass',
  'snapshot.storage.k8s.io/VolumeSnapshotContent',
  'gateway.networking.k8s.io/GatewayClass',
]);

/**
 * Builds the scope lookup used for rendering, asking in turn: `known` (the cluster's discovery),
 * the CustomResourceDefinitions among `objects` (their `spec.scope`), the table of well-known
 * cluster-scoped kinds; a kind none of them knows is namespaced.
 */
export function resolveScopes(
  objects: readonly KubeObject[],
  known: IsNamespaced,
): (apiVersion: string, kind: string) => boolean {
  const fromCrds = crdScopes(objects);
  return (apiVersion, kind) => {
    const answer = known(apiVersion, kind);
    if (answer !== undefined) return answer;
    const key = `${parseApiVersion(apiVersion).group}/${kind}`;
    const crd = fromCrds.get(key);
    if (crd !== undefined) return crd;
    return !CLUSTER_SCOPED_KINDS.has(key);
  };
}

/** `group/kind` → namespaced, from CRDs being rendered alongside their custom resources. */
function crdScopes(objects: readonly KubeObject[]): Map<string, boolean> {
  const scopes = new Map<string, boolean>();
  for (const obj of objects) {
    if (obj.kind !== 'CustomResourceDefinition') continue;
    if (parseApiVersion(obj.apiVersion).group !== 'apiextensions.k8s.io') continue;
    const spec = obj.spec as
      { group?: unknown; scope?: unknown; names?: { kind?: unknown } } | undefined;
    if (typeof spec?.group !== 'string' || typeof spec.names?.kind !== 'string') continue;
    scopes.set(`${spec.group}/${spec.names.kind}`, spec.scope !== 'Cluster');
  }
  return scopes;
}
