/**
 * Render a Sync's desired objects from an artifact, cached per (artifact digest, path, target
 * namespace, render inputs read from the cluster, Sync). Whether a kind is namespaced comes from discovery, or from a CRD of the same
 * set, so targetNamespace is only applied where it belongs.
 */
import { err, ok, type KubeObject, type Result, kindKey, nameKey } from '../../core/index.ts';
import {
  renderSync,
  type SubstituteOptions,
  type KustomizeSettings,
  type ParseMemo,
  type RenderedObject,
  type RenderError,
} from '../../render/index.ts';

/** A Sync's render of one artifact: its objects and what it read (see LoadOptions.reads). */
export type Rendered = {
  readonly objects: RenderedObject[];
  readonly reads: readonly string[];
};
export type RenderCache = Map<string, Rendered>;
export type KindScopes = Map<string, boolean>;

const SYNC_SEPARATOR = '|';

/** The Sync is gone: its rendered revisions leave the cache. */
export function forgetRendered(cache: RenderCache, syncNamespace: string, syncName: string): void {
  const suffix = `${SYNC_SEPARATOR}${syncNamespace}${SYNC_SEPARATOR}${syncName}`;
  for (const key of cache.keys()) if (key.endsWith(suffix)) cache.delete(key);
}

/** Discovery: whether a kind is namespaced (an error: the server does not know it yet). */
export type ResolveKind = (
  apiVersion: string,
  kind: string,
  signal: AbortSignal,
) => Promise<Result<{ readonly namespaced: boolean }, unknown>>;

function learnFromCrds(objects: readonly RenderedObject[], scopes: KindScopes): boolean {
  let learned = false;
  for (const { object } of objects) {
    if (object.kind !== 'CustomResourceDefinition') continue;
    const spec = object.spec as
      | { group?: string; scope?: string; names?: { kind?: string }; versions?: { name: string }[] }
      | undefined;
    if (!spec?.group || !spec.names?.kind) continue;
    for (const v of spec.versions ?? []) {
      const key = kindKey(`${spec.group}/${v.name}`, spec.names.kind);
      if (!scopes.has(key)) {
        scopes.set(key, spec.scope !== 'Cluster');
        learned = true;
      }
    }
  }
  return learned;
}

async function learnFromDiscovery(
  resolveKind: ResolveKind,
  objects: readonly RenderedObject[],
  scopes: KindScopes,
  signal: AbortSignal,
): Promise<boolean> {
  let learned = false;
  const unknown = new Map<string, KubeObject>();
  for (const { object } of objects) {
    const key = kindKey(object.apiVersion, object.kind);
    if (!scopes.has(key)) unknown.set(key, object);
  }
  await Promise.all(
    [...unknown.entries()].map(async ([key, object]) => {
      const res = await resolveKind(object.apiVersion, object.kind, signal);
      if (res.ok) {
        scopes.set(key, res.value.namespaced);
        learned = true;
      }
    }),
  );
  return learned;
}

/** What rendering uses: caches bounded by the operator, kustomize, and discovery. */
export type RenderHandles = {
  readonly resolveKind: ResolveKind;
  readonly cache: RenderCache;
  readonly scopes: KindScopes;
  readonly kustomize: KustomizeSettings;
  /** Parsed files per Sync, so a commit that changes one file parses one file. */
  readonly memos: Map<string, ParseMemo>;
};

export async function renderDesired(
  input: {
    readonly artifactDir: string;
    readonly digest: string;
    readonly path: string;
    readonly targetNamespace: string | undefined;
    readonly syncName: string;
    readonly syncNamespace: string;
    /** Variables to substitute; undefined: none. */
    readonly substitute?: SubstituteOptions | undefined;
    /** age identities for SOPS-encrypted files; undefined: no decryption. */
    readonly identities?: readonly string[] | undefined;
    /** Digest of what the render reads from the cluster (RenderInputs.digest). */
    readonly inputs?: string;
  },
  deps: RenderHandles,
  signal: AbortSignal,
): Promise<Result<Rendered, RenderError>> {
  const key = [
    input.digest,
    input.path,
    input.targetNamespace ?? '',
    input.inputs ?? '',
    input.syncNamespace,
    input.syncName,
  ].join(SYNC_SEPARATOR);
  const cached = deps.cache.get(key);
  if (cached) return ok(cached);
  const memoKey = nameKey(input.syncNamespace, input.syncName);
  const memo = deps.memos.get(memoKey) ?? new Map<string, RenderedObject[]>();
  deps.memos.set(memoKey, memo);
  const reads = new Set<string>();
  const render = () =>
    renderSync({
      reads,
      memo,
      artifactDir: input.artifactDir,
      path: input.path,
      targetNamespace: input.targetNamespace,
      syncName: input.syncName,
      syncNamespace: input.syncNamespace,
      isNamespaced: (apiVersion, kind) => deps.scopes.get(kindKey(apiVersion, kind)),
      kustomize: deps.kustomize,
      substitute: input.substitute,
      identities: input.identities,
      signal,
    });
  let rendered = await render();
  if (!rendered.ok) return err(rendered.error);
  const fromCrds = learnFromCrds(rendered.value, deps.scopes);
  const fromDiscovery = await learnFromDiscovery(
    deps.resolveKind,
    rendered.value,
    deps.scopes,
    signal,
  );
  if (fromCrds || fromDiscovery) {
    rendered = await render();
    if (!rendered.ok) return err(rendered.error);
  }
  // Bound the cache: a handful of revisions per Sync is plenty.
  // A memo holds at most about two revisions' worth of files.
  if (memo.size > 2 * rendered.value.length + 100) memo.clear();
  if (deps.cache.size > 256) deps.cache.delete(deps.cache.keys().next().value ?? '');
  const value = { objects: rendered.value, reads: [...reads].sort() };
  deps.cache.set(key, value);
  return ok(value);
}
