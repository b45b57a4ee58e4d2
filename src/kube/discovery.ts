// Which REST resource serves a kind: one discovery request per group version, cached and shared
// by concurrent callers; a miss re-discovers once (a CRD may have just been created).
import { err, ok, parseApiVersion, type Result } from '../core/index.ts';
import { KubeError } from './errors.ts';
import { groupVersionPath } from './paths.ts';
import type { Transport } from './transport.ts';
import type { ResourceInfo } from './types.ts';

type Kinds = ReadonlyMap<string, ResourceInfo>;
type Entry = Promise<Result<Kinds, KubeError>>;

export type Discovery = {
  readonly resolveKind: (
    apiVersion: string,
    kind: string,
  ) => Promise<Result<ResourceInfo, KubeError>>;
  /** Forgets a group version, e.g. after the server said its resource path does not exist. */
  readonly forget: (apiVersion: string) => void;
};

type ApiResource = { name?: unknown; kind?: unknown; namespaced?: unknown };

function readKinds(group: string, version: string, body: unknown): Kinds {
  const kinds = new Map<string, ResourceInfo>();
  const resources = (body as { resources?: unknown } | undefined)?.resources;
  if (!Array.isArray(resources)) return kinds;
  for (const r of resources as ApiResource[]) {
    if (typeof r.name !== 'string' || typeof r.kind !== 'string' || r.name.includes('/')) continue;
    kinds.set(r.kind, { group, version, resource: r.name, namespaced: r.namespaced === true });
  }
  return kinds;
}

function unknownKind(apiVersion: string, kind: string): KubeError {
  const { group } = parseApiVersion(apiVersion);
  const subject = group ? `${kind}.${group}` : kind;
  return new KubeError(
    'UnknownKind',
    `resolve ${subject}: the API server does not serve kind ${kind} in ${apiVersion}; is its CustomResourceDefinition missing or not yet established?`,
    { verb: 'discovery', subject },
  );
}

export function createDiscovery(transport: Transport): Discovery {
  const cache = new Map<string, Entry>();

  const discover = (apiVersion: string): Entry => {
    const { group, version } = parseApiVersion(apiVersion);
    // Shared by every caller waiting on this group version (impersonating ones too: discovery is
    // readable by every user), so no single caller's signal may cancel it; the transport's
    // timeout bounds it.
    const entry: Entry = transport
      .requestJson(
        {
          method: 'GET',
          path: groupVersionPath(group, version),
          verb: 'discovery',
          subject: apiVersion,
        },
        new AbortController().signal,
      )
      .then((res) => {
        if (res.ok) return ok(readKinds(group, version, res.value.body));
        if (res.error.code === 'NotFound') return ok(new Map());
        if (cache.get(apiVersion) === entry) cache.delete(apiVersion);
        return err(res.error);
      });
    cache.set(apiVersion, entry);
    return entry;
  };

  const resolveKind = async (
    apiVersion: string,
    kind: string,
  ): Promise<Result<ResourceInfo, KubeError>> => {
    const cached = cache.get(apiVersion);
    let res = await (cached ?? discover(apiVersion));
    if (cached && !(res.ok && res.value.has(kind))) {
      const current = cache.get(apiVersion);
      res = await (current && current !== cached ? current : discover(apiVersion));
    }
    if (!res.ok) return err(res.error);
    const info = res.value.get(kind);
    return info ? ok(info) : err(unknownKind(apiVersion, kind));
  };

  return { resolveKind, forget: (apiVersion) => cache.delete(apiVersion) };
}
