// `moor operator` in a pod: the service account's token and CA instead of a kubeconfig.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.ts';
import type { InClusterOptions } from '../parts.ts';

/** Where Kubernetes mounts a pod's service account token, CA and namespace. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * In-cluster credentials when `--service-account-dir` names a directory, or when nothing names a
 * kubeconfig (no `--kubeconfig`, no KUBECONFIG) and the pod's service account is mounted with
 * KUBERNETES_SERVICE_HOST set; otherwise none (the kubeconfig is used).
 */
export function inClusterOptions(
  dir: string | undefined,
  kubeconfig: string | undefined,
  env: Env,
  exists: (path: string) => boolean = existsSync,
): { inCluster?: InClusterOptions } {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  if (dir !== undefined) {
    if (!host)
      throw new CliError(`--service-account-dir ${dir}: KUBERNETES_SERVICE_HOST is not set`);
    return { inCluster: { dir, host, port } };
  }
  if (kubeconfig !== undefined || env.KUBECONFIG || !host) return {};
  if (!exists(join(SERVICE_ACCOUNT_DIR, 'token'))) return {};
  return { inCluster: { dir: SERVICE_ACCOUNT_DIR, host, port } };
}

/** Which shard the operator takes, and how it connects when in a pod. */
export function placementOf(
  opts: { readonly shard?: string | undefined; readonly serviceAccountDir?: string | undefined },
  kubeconfig: string | undefined,
  env: Env,
): { shard?: string; inCluster?: InClusterOptions } {
  return {
    ...(opts.shard === undefined ? {} : { shard: opts.shard }),
    ...inClusterOptions(opts.serviceAccountDir, kubeconfig, env),
  };
}
