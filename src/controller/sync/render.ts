/**
 * Render a Sync's desired objects from an artifact, cached per (artifact digest, path, target
 * namespace, render inputs read from the cluster, Sync). Whether a kind is namespaced comes from
 * discovery, or from a CRD of the same
 * set, so targetNamespace is only applied where it belongs.
 */
import type { HelmSpec, HelmStatus } from '../../api/index.ts';
import { err, ok, type KubeObject, type Result, kindKey, nameKey } from '../../core/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import {
  OUTSIDE_ARTIFACT,
  renderSync,
  type HelmSettings,
  type SubstituteOptions,
  type KustomizeSettings,
  type IsNamespaced,
  type FileMemo,
  type ParseMemo,
  type RenderedObject,
  type RenderError,
} from '../../render/index.ts';
import {
  chartOptionsKey,
  chartStatus,
  fetchRepositoryChart,
  readValuesFrom,
  templateSyncChart,
} from './render-helm.ts';
import type { HelmCharts } from '../../source/index.ts';

/** A Sync's render of one artifact: its objects and what it read (see LoadOptions.reads). */
export type Rendered = {
  readonly objects: RenderedObject[];
  readonly reads: readonly string[];
  /** The chart rendered, for a Sync with spec.helm. */
  readonly helm?: HelmStatus;
};
export type RenderCache = Map<string, Rendered>;
export type KindScopes = Map<string, boolean>;

const SYNC_SEPARATOR = '|';

/** The Sync is gone: its rendered revisions leave the cache. */
export function forgetRendered(cache: RenderCache, syncNamespace: string, syncName: string): void {
  const suffix = `${SYNC_SEPARATOR}${syncNamespace}${SYNC_SEPARATOR}${syncName}`;
  for (const key of cache.keys()) if (key.endsWith(suffix)) cache.delete(key);
}

/** Files whose parsed objects the memos keep, over every Sync (docs/adr/0038). */
export const PARSE_MEMO_FILES = 4096;

/**
 * The parse memo of the Sync `key`, now the most recently rendered. Past `limit` files in all,
 * the memos of the least recently rendered Syncs go (never this one): a memo is a second parsed
 * copy of every object, and 1,000 Syncs rendered once each would otherwise keep all of them.
 */
export function memoFor(
  memos: Map<string, ParseMemo>,
  key: string,
  limit = PARSE_MEMO_FILES,
): ParseMemo {
  const memo = memos.get(key) ?? new Map<string, RenderedObject[]>();
  memos.delete(key);
  memos.set(key, memo);
  let files = 0;
  for (const m of memos.values()) files += m.size;
  for (const [k, m] of memos) {
    if (files <= limit || k === key) break;
    memos.delete(k);
    files -= m.size;
  }
  return memo;
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
  /** How charts are rendered (spec.helm). */
  readonly helm: HelmSettings;
  /** Reads valuesFrom ConfigMaps and Secrets, and HelmRepositories. */
  readonly get: KubeClient['get'];
  /** Charts from Helm repositories: indexes and packages, cached. */
  readonly charts: HelmCharts;
};

type DesiredInput = {
  readonly artifactDir: string;
  readonly digest: string;
  readonly path: string;
  readonly targetNamespace: string | undefined;
  readonly syncName: string;
  readonly syncNamespace: string;
  readonly helm?: HelmSpec | undefined;
  /** Variables to substitute; undefined: none. */
  readonly substitute?: SubstituteOptions | undefined;
  /** age identities for SOPS-encrypted files; undefined: no decryption. */
  readonly identities?: readonly string[] | undefined;
  /** Digest of what the render reads from the cluster (RenderInputs.digest). */
  readonly inputs?: string;
};

const cacheKey = (input: DesiredInput, ...more: string[]) =>
  [
    input.digest,
    input.path,
    input.targetNamespace ?? '',
    input.inputs ?? '',
    ...more,
    // Last, for forgetRendered.
    input.syncNamespace,
    input.syncName,
  ].join(SYNC_SEPARATOR);

/**
 * Each Sync's file memo, kept with its parse memo: it goes when the Sync's parse memo goes
 * (the Sync forgotten), with no bookkeeping of its own.
 */
const fileMemos = new WeakMap<ParseMemo, FileMemo>();

function fileMemoOf(memo: ParseMemo): FileMemo {
  const known = fileMemos.get(memo);
  if (known) return known;
  const created: FileMemo = new Map();
  fileMemos.set(memo, created);
  return created;
}

function remember(cache: RenderCache, key: string, value: Rendered): Rendered {
  // Bound the cache: a handful of revisions per Sync is plenty.
  if (cache.size > 256) cache.delete(cache.keys().next().value ?? '');
  cache.set(key, value);
  return value;
}

/** A chart: helm runs only when the artifact, the options or a valuesFrom object changed. */
async function renderChartDesired(
  input: DesiredInput & { readonly helm: HelmSpec },
  deps: RenderHandles,
  signal: AbortSignal,
): Promise<Result<Rendered, RenderError>> {
  const valuesFrom = input.helm.valuesFrom ?? [];
  const read = await readValuesFrom(deps.get, input.syncNamespace, valuesFrom, signal);
  if (!read.ok) return read;
  const fromRepository = await fetchRepositoryChart(input.helm, input.syncNamespace, deps, signal);
  if (!fromRepository.ok) return fromRepository;
  const chartKey = fromRepository.value?.key ?? '';
  const key = cacheKey(input, 'helm', chartOptionsKey(input.helm, read.value), chartKey);
  const cached = deps.cache.get(key);
  if (cached) return ok(cached);
  const packaged = fromRepository.value?.packaged;
  const templated = await templateSyncChart({ ...input, packaged }, read.value, deps, signal);
  if (!templated.ok) return templated;
  const isNamespaced: IsNamespaced = (apiVersion, kind) =>
    deps.scopes.get(kindKey(apiVersion, kind));
  let placed = templated.value.prepare(isNamespaced);
  if (!placed.ok) return placed;
  const fromCrds = learnFromCrds(placed.value.objects, deps.scopes);
  const fromDiscovery = await learnFromDiscovery(
    deps.resolveKind,
    placed.value.objects,
    deps.scopes,
    signal,
  );
  if (fromCrds || fromDiscovery) placed = templated.value.prepare(isNamespaced);
  if (!placed.ok) return placed;
  // Values from the cluster are outside the artifact: a new revision never skips this Sync.
  const outside = valuesFrom.length > 0 ? [OUTSIDE_ARTIFACT] : [];
  return ok(
    remember(deps.cache, key, {
      objects: placed.value.objects,
      reads: [...templated.value.reads, ...outside].sort(),
      helm: chartStatus(templated.value.chart, placed.value.skippedHooks),
    }),
  );
}

export async function renderDesired(
  input: DesiredInput,
  deps: RenderHandles,
  signal: AbortSignal,
): Promise<Result<Rendered, RenderError>> {
  if (input.helm) return renderChartDesired({ ...input, helm: input.helm }, deps, signal);
  const key = cacheKey(input);
  const cached = deps.cache.get(key);
  if (cached) return ok(cached);
  const memo = memoFor(deps.memos, nameKey(input.syncNamespace, input.syncName));
  const reads = new Set<string>();
  const render = () =>
    renderSync({
      reads,
      memo,
      files: fileMemoOf(memo),
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
  // A memo holds at most about two revisions' worth of files.
  if (memo.size > 2 * rendered.value.length + 100) memo.clear();
  return ok(remember(deps.cache, key, { objects: rendered.value, reads: [...reads].sort() }));
}
