/** The one secret reader: a Secret's data, decoded (undefined: not found or unreadable). */
import type { KubeClient } from '../kube/index.ts';

export type SecretReader = (
  namespace: string,
  name: string,
  signal: AbortSignal,
) => Promise<Record<string, string> | undefined>;

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
