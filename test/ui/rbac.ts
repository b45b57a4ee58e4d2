// A ServiceAccount with a Role for the dashboard's tests, and a token of it from `kubectl create token`.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { KubeObject } from '../../src/core/index.ts';
import type { KubeClient } from '../../src/kube/index.ts';
import { testCluster } from '../helpers/cluster.ts';
import { applyObject } from '../helpers/operator.ts';

const run = promisify(execFile);

/** The ServiceAccount `name` in `ns`, bound to a Role with `syncVerbs` on Syncs and reads of the rest. */
export async function dashboardToken(
  kube: KubeClient,
  ns: string,
  name: string,
  syncVerbs: string[],
): Promise<string> {
  await applyObject(kube, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace: ns },
  });
  await applyObject(kube, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name, namespace: ns },
    rules: [
      { apiGroups: ['moor.dev'], resources: ['syncs'], verbs: syncVerbs },
      { apiGroups: ['moor.dev'], resources: ['gitrepositories'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['events', 'configmaps'], verbs: ['get', 'list'] },
    ],
  });
  await applyObject(kube, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
  });
  const { kubectl, kubeconfig } = testCluster();
  const args = ['--kubeconfig', kubeconfig, '-n', ns, 'create', 'token', name, '--duration=1h'];
  return (await run(kubectl, args, { timeout: 30_000 })).stdout.trim();
}

/** A Sync's `spec.suspend`. */
export const suspendedOf = (obj: KubeObject | undefined): boolean =>
  (obj?.spec as { suspend?: boolean } | undefined)?.suspend === true;
