/**
 * A Sync's chart: valuesFrom read from the cluster, `helm template` run once per (artifact digest,
 * path, options digest, valuesFrom resourceVersions), so a reconcile where nothing changed runs
 * no helm process (ADR 0024).
 */
import { createHash } from 'node:crypto';
import {
  parseDuration,
  parseHelmRepository,
  type HelmSpec,
  type HelmStatus,
  type ValuesFrom,
} from '../../api/index.ts';
import { API_GROUP_VERSION, err, ok, stableStringify, type Result } from '../../core/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import {
  prepareChartObjects,
  RenderError,
  RenderErrorCode,
  templateChartFiles,
  type IsNamespaced,
  type ValuesLayer,
} from '../../render/index.ts';
import type { HelmCharts } from '../../source/index.ts';
import { dataOf } from './render-inputs.ts';

/** What a Sync's valuesFrom gave: the layers, and each object's resourceVersion (cache key). */
export type ValuesFromRead = { readonly layers: ValuesLayer[]; readonly versions: string[] };

/** Reads each valuesFrom entry; a missing object or key is an error unless it is optional. */
export async function readValuesFrom(
  get: KubeClient['get'],
  namespace: string,
  entries: readonly ValuesFrom[],
  signal: AbortSignal,
): Promise<Result<ValuesFromRead, RenderError>> {
  const layers: ValuesLayer[] = [];
  const versions: string[] = [];
  for (const entry of entries) {
    const what = `${entry.kind} ${namespace}/${entry.name}`;
    const got = await get(
      { apiVersion: 'v1', kind: entry.kind, namespace, name: entry.name },
      signal,
    );
    if (!got.ok) {
      const message = `valuesFrom ${what}: ${got.error.message}`;
      return err(new RenderError(RenderErrorCode.valuesNotFound, message, { entry: what }));
    }
    versions.push(`${what}@${got.value?.metadata.resourceVersion ?? 'absent'}`);
    const raw = got.value ? dataOf(got.value)[entry.key] : undefined;
    if (raw === undefined) {
      if (entry.optional) continue;
      const missing = got.value ? `has no key ${entry.key}` : 'not found';
      const message = `valuesFrom ${what} ${missing} (set optional: true to go without it)`;
      return err(new RenderError(RenderErrorCode.valuesNotFound, message, { entry: what }));
    }
    const name = `${what} key ${entry.key}`;
    const text = raw;
    layers.push(entry.targetPath ? { name, text, targetPath: entry.targetPath } : { name, text });
  }
  return ok({ layers, versions });
}

/** The part of a cache key that stands for the chart's options and valuesFrom contents. */
export function chartOptionsKey(helm: HelmSpec, read: ValuesFromRead): string {
  const digest = createHash('sha256').update(stableStringify(helm)).digest('hex').slice(0, 32);
  return `${digest}+${read.versions.join(',')}`;
}

export type ChartInput = {
  readonly artifactDir: string;
  readonly path: string;
  readonly helm: HelmSpec;
  readonly targetNamespace: string | undefined;
  readonly syncName: string;
  readonly syncNamespace: string;
};

/** Templates the chart once; `prepare` places its objects (again, once discovery learned more). */
export async function templateSyncChart(
  input: ChartInput & { readonly packaged?: RepositoryChart['packaged'] | undefined },
  read: ValuesFromRead,
  deps: { readonly helm: Parameters<typeof templateChartFiles>[1] },
  signal: AbortSignal,
) {
  const { helm } = input;
  const namespace = helm.namespace ?? input.targetNamespace ?? input.syncNamespace;
  const inline: ValuesLayer[] = helm.values
    ? [{ name: 'spec.helm.values', values: helm.values }]
    : [];
  const request = {
    artifactDir: input.artifactDir,
    chartPath: helm.chart ?? input.path,
    version: helm.version,
    releaseName: helm.releaseName ?? input.syncName,
    namespace,
    valuesFiles: helm.valuesFiles ?? [],
    layers: [...read.layers, ...inline],
    targetNamespace: input.targetNamespace,
    syncName: input.syncName,
    syncNamespace: input.syncNamespace,
    ...(input.packaged ? { packaged: input.packaged } : {}),
  };
  const templated = await templateChartFiles(
    { ...request, isNamespaced: () => undefined },
    deps.helm,
    signal,
  );
  if (!templated.ok) return templated;
  const { manifests, chart, reads } = templated.value;
  const prepare = (isNamespaced: IsNamespaced) =>
    prepareChartObjects(manifests, { ...request, isNamespaced });
  return ok({ prepare, chart, reads });
}

/** The chart status of a render. */
export function chartStatus(
  chart: { name: string; version: string },
  skippedHooks: readonly string[],
): HelmStatus {
  return {
    chart: chart.name,
    version: chart.version,
    ...(skippedHooks.length > 0 ? { skippedHooks: [...skippedHooks] } : {}),
  };
}

/** A chart from a HelmRepository: the package on disk, and what stands for it in a cache key. */
export type RepositoryChart = {
  readonly packaged: { readonly path: string; readonly name: string; readonly version: string };
  readonly key: string;
};

const repositoryError = (what: string, message: string) =>
  new RenderError(RenderErrorCode.chartInvalid, `${what}: ${message}`, { entry: what });

/** Fetches spec.helm.chart from the HelmRepository spec.helm.sourceRef names (index cached). */
export async function fetchRepositoryChart(
  helm: HelmSpec,
  syncNamespace: string,
  deps: { readonly get: KubeClient['get']; readonly charts: HelmCharts },
  signal: AbortSignal,
): Promise<Result<RepositoryChart | undefined, RenderError>> {
  const ref = helm.sourceRef;
  if (!ref) return ok(undefined);
  const namespace = ref.namespace ?? syncNamespace;
  const what = `HelmRepository ${namespace}/${ref.name}`;
  const apiVersion = API_GROUP_VERSION;
  const got = await deps.get({ apiVersion, kind: ref.kind, namespace, name: ref.name }, signal);
  if (!got.ok) return err(repositoryError(what, got.error.message));
  if (!got.value) return err(repositoryError(what, 'not found'));
  const parsed = parseHelmRepository(got.value);
  if (!parsed.ok) return err(repositoryError(what, parsed.error.message));
  const spec = parsed.value.spec;
  let auth = {};
  if (spec.secretRef) {
    const secret = await deps.get(
      { apiVersion: 'v1', kind: 'Secret', namespace, name: spec.secretRef.name },
      signal,
    );
    const data = secret.ok && secret.value ? dataOf(secret.value) : undefined;
    if (!data)
      return err(repositoryError(what, `Secret ${namespace}/${spec.secretRef.name} not found`));
    auth = { username: data.username ?? '', password: data.password ?? '' };
  }
  const access = {
    url: spec.url,
    intervalMs: parseDuration(spec.interval),
    timeoutMs: parseDuration(spec.timeout),
    plainHttp: spec.insecure,
    ...auth,
  };
  const fetched = await deps.charts.fetch(access, helm.chart ?? '', helm.version, signal);
  if (!fetched.ok) return err(repositoryError(what, fetched.error));
  const { path, name, version, digest } = fetched.value;
  return ok({ packaged: { path, name, version }, key: `${name}@${version}:${digest}` });
}
