import type { ResourceInfo } from './types.ts';

/** `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
export function groupVersionPath(group: string, version: string): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

/**
 * The collection of a resource: in one namespace, or across all of them when `namespace` is
 * omitted (and always for cluster-scoped resources).
 */
export function collectionPath(info: ResourceInfo, namespace?: string): string {
  const base = groupVersionPath(info.group, info.version);
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${info.resource}`;
}

/** One object, optionally one of its subresources (`status`). */
export function objectPath(
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
  subresource?: string,
): string {
  const sub = subresource ? `/${subresource}` : '';
  return `${collectionPath(info, namespace)}/${encodeURIComponent(name)}${sub}`;
}

/** Appends the defined query parameters, in the given order. */
export function withQuery(
  path: string,
  query: Readonly<Record<string, string | undefined>>,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.append(key, value);
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}
