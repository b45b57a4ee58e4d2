/** Identity of a Kubernetes object: group, kind, namespace ('' when cluster-scoped), name. */
export type ObjectId = {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
};

/** `Kind/namespace/name` or `Kind/name`, with the group when it has one: how messages name objects. */
export function formatObjectId(id: ObjectId): string {
  const kind = id.group ? `${id.kind}.${id.group}` : id.kind;
  return id.namespace ? `${kind}/${id.namespace}/${id.name}` : `${kind}/${id.name}`;
}

/** A stable key for maps and sorting. */
export function objectKey(id: ObjectId): string {
  return `${id.group}|${id.kind}|${id.namespace}|${id.name}`;
}

/** `apps/v1` from group `apps` and version `v1`; `v1` when the group is core (`''`). */
export function formatApiVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** Splits `apps/v1` into group `apps` and version `v1`; `v1` into `''` and `v1`. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** `namespace/name`: how queues, caches and maps key a resource ('' namespace: cluster-scoped). */
export function nameKey(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

/** The `namespace/name` key of an object, from its metadata. */
export function nameKeyOf(obj: {
  readonly metadata: { readonly namespace?: string; readonly name?: string };
}): string {
  return nameKey(obj.metadata.namespace, obj.metadata.name);
}

/** The namespace and name of a `namespace/name` key (names hold no `/`; namespaces neither). */
export function splitNameKey(key: string): [namespace: string, name: string] {
  const i = key.indexOf('/');
  return i < 0 ? ['', key] : [key.slice(0, i), key.slice(i + 1)];
}

/** `apiVersion|kind`: how caches and maps key a kind. */
export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}|${kind}`;
}
