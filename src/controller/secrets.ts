/** The one secret reader over the cluster: a Secret's data, decoded (undefined: not found or unreadable). */
import type { SecretReader } from '../core/index.ts';
import type { KubeClient } from '../kube/index.ts';

export type { SecretReader } from '../core/index.ts';

export function secretReader(kube: Pick<KubeClient, 'get'>): SecretReader {
  return async (namespace, name, signal) => {
    const got = await kube.get({ apiVersion: 'v1', kind: 'Secret', namespace, name }, signal);
    if (!got.ok || !got.value) return undefined;
    const data = (got.value.data ?? {}) as Record<string, string>;
    return Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
  };
}
