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

/** Splits `apps/v1` into group `apps` and version `v1`; `v1` into `''` and `v1`. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
