// What `moor bootstrap git` commits under `--path` and installs: the install manifests (as
// `moor install --export` prints them) in one file, and in another the GitRepository and Sync
// that make Moor manage itself from that path, with the service account that Sync applies as.
import type { KubeObject } from '../core/index.ts';
import { buildInstallManifests, INSTALL_NAMESPACE } from './install-manifests.ts';
import { formatYamlDocuments } from './output.ts';

/** The GitRepository and Sync of Moor itself. */
export const SELF_NAME = 'moor';
/** The account the self-managing Sync applies as: it applies CRDs and RBAC, so cluster-admin. */
export const BOOTSTRAP_ACCOUNT = 'moor-bootstrap';
/** The Secret the GitRepository reads its credentials from (never committed). */
export const BOOTSTRAP_SECRET = 'moor-git';
export const INSTALL_FILE = 'moor-install.yaml';
export const SYNC_FILE = 'moor-sync.yaml';

export type BootstrapOptions = {
  readonly version: string;
  readonly url: string;
  readonly branch: string;
  /** The path in the repository, normalized (`clusters/NAME`, no `./`, no trailing `/`). */
  readonly path: string;
  readonly interval: string;
  readonly withSecret: boolean;
  readonly clusterAdmin: boolean;
};

const partOf = { 'app.kubernetes.io/part-of': 'moor' };

export function buildSelfManagement(opts: BootstrapOptions): KubeObject[] {
  const namespace = INSTALL_NAMESPACE;
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: BOOTSTRAP_ACCOUNT, namespace, labels: { ...partOf } },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: BOOTSTRAP_ACCOUNT, labels: { ...partOf } },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'cluster-admin',
      },
      subjects: [{ kind: 'ServiceAccount', name: BOOTSTRAP_ACCOUNT, namespace }],
    },
    {
      apiVersion: 'moor.dev/v1alpha1',
      kind: 'GitRepository',
      metadata: { name: SELF_NAME, namespace, labels: { ...partOf } },
      spec: {
        url: opts.url,
        ref: { branch: opts.branch },
        interval: opts.interval,
        ...(opts.withSecret ? { secretRef: { name: BOOTSTRAP_SECRET } } : {}),
      },
    },
    {
      apiVersion: 'moor.dev/v1alpha1',
      kind: 'Sync',
      metadata: { name: SELF_NAME, namespace, labels: { ...partOf } },
      spec: {
        sourceRef: { kind: 'GitRepository', name: SELF_NAME },
        path: `./${opts.path}`,
        interval: opts.interval,
        prune: true,
        serviceAccountName: BOOTSTRAP_ACCOUNT,
        // Deleting the Sync must not uninstall Moor (and the CRDs with every resource).
        deletionPolicy: 'Orphan',
      },
    },
  ];
}

/** The files under `path` and their YAML, in the order they are written. */
export function bootstrapFiles(opts: BootstrapOptions): { path: string; text: string }[] {
  const header = (what: string) =>
    `# ${what}, written by \`moor bootstrap git\`; Moor applies this directory to itself.\n`;
  const install = buildInstallManifests(opts.version, { clusterAdmin: opts.clusterAdmin });
  return [
    {
      path: `${opts.path}/${INSTALL_FILE}`,
      text: header('Moor installed') + formatYamlDocuments(install),
    },
    {
      path: `${opts.path}/${SYNC_FILE}`,
      text:
        header('Moor managing itself from Git') + formatYamlDocuments(buildSelfManagement(opts)),
    },
  ];
}

/** A repository path for `--path`: relative, no `..`, no empty or odd segments. */
export function bootstrapPathOf(raw: string): string | undefined {
  const path = raw.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (path === '' || path.startsWith('/') || path.length > 256) return undefined;
  const segments = path.split('/');
  const ok = segments.every((s) => /^[A-Za-z0-9._-]+$/.test(s) && s !== '.' && s !== '..');
  return ok ? path : undefined;
}
