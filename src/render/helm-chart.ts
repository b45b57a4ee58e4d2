// A Sync's chart from its artifact: Chart.yaml read for name and version (checked against the
// version range), values merged (ADR 0024), `helm template` run on a private copy of the chart
// directory, its output parsed like plain YAML, hooks sorted out, objects labelled.
import { readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import semver from 'semver';
import type { Result } from '../core/index.ts';
import { err, ok } from '../core/index.ts';
import { RenderError, RenderErrorCode } from './errors.ts';
import { templateChart, type HelmSettings } from './helm.ts';
import { defaultNamespace, separateHooks, splitTemplateOutput } from './helm-output.ts';
import { mergeLayers, type ValuesLayer } from './helm-values.ts';
import { copyArtifact, isInside } from './kustomize-root.ts';
import { checkArtifactPath } from './load.ts';
import { findDuplicate, parseManifests } from './parse.ts';
import { resolveScopes, type IsNamespaced } from './scope.ts';
import { transformObjects } from './transform.ts';
import type { ManifestFile, RenderedObject } from './types.ts';

export type ChartRequest = {
  readonly artifactDir: string;
  /** The chart directory, relative to the artifact root. */
  readonly chartPath: string;
  readonly version?: string | undefined;
  readonly releaseName: string;
  readonly namespace: string;
  /** Values files relative to the artifact root, in merge order. */
  readonly valuesFiles: readonly string[];
  /** Layers from valuesFrom and the inline values, in merge order (after the files). */
  readonly layers: readonly ValuesLayer[];
  readonly targetNamespace?: string | undefined;
  readonly syncName: string;
  readonly syncNamespace: string;
  readonly isNamespaced: IsNamespaced;
  /** A packaged chart fetched from a repository (then chartPath is unused). */
  readonly packaged?: { readonly path: string; readonly name: string; readonly version: string };
};

const chartError = (file: string, message: string) =>
  new RenderError(RenderErrorCode.chartInvalid, message, { file });

/** Reads `chartPath/Chart.yaml`: the chart's name and version, checked against `range`. */
async function readChart(
  root: string,
  chartPath: string,
  range: string | undefined,
): Promise<Result<{ name: string; version: string }, RenderError>> {
  const file = chartPath ? `${chartPath}/Chart.yaml` : 'Chart.yaml';
  const text = await readFile(join(root, file), 'utf8').catch(() => undefined);
  if (text === undefined) return err(chartError(file, `${file}: no chart here (no Chart.yaml)`));
  let meta: { name?: unknown; version?: unknown } | undefined;
  try {
    meta = parseYaml(text) as typeof meta;
  } catch (cause) {
    return err(chartError(file, `${file}: ${(cause as Error).message.split('\n')[0] ?? ''}`));
  }
  const name = typeof meta?.name === 'string' ? meta.name : '';
  const version = typeof meta?.version === 'string' ? meta.version : '';
  if (!name || !version)
    return err(chartError(file, `${file}: a chart needs a name and a version`));
  if (range && !semver.satisfies(version, range, { includePrerelease: false })) {
    const message = `chart ${name} (${chartPath || '.'}): no version matches ${range}; versions found: ${version}`;
    return err(chartError(file, message));
  }
  return ok({ name, version });
}

/** Reads the values files (inside the artifact only) as the first layers. */
async function readValuesFiles(
  root: string,
  files: readonly string[],
): Promise<Result<ValuesLayer[], RenderError>> {
  const layers: ValuesLayer[] = [];
  for (const file of files) {
    const rel = checkArtifactPath(file);
    if (!rel.ok) return rel;
    const full = await realpath(join(root, rel.value)).catch(() => undefined);
    const info = full && isInside(root, full) ? await stat(full).catch(() => undefined) : undefined;
    if (!full || !info?.isFile())
      return err(chartError(file, `values file ${file} is not a file in the artifact`));
    layers.push({ name: rel.value, text: await readFile(full, 'utf8') });
  }
  return ok(layers);
}

/** The chart's templates as helm printed them, named by their paths in the artifact. */
export type TemplatedChart = {
  readonly manifests: ManifestFile[];
  readonly chart: { readonly name: string; readonly version: string };
  /** What the render read, relative to the artifact root. */
  readonly reads: string[];
};

/** Runs helm on the chart; a failure names the chart, its version and helm's own message. */
export async function templateChartFiles(
  request: ChartRequest,
  helm: HelmSettings,
  signal: AbortSignal,
): Promise<Result<TemplatedChart, RenderError>> {
  const root = await realpath(request.artifactDir);
  const files = await readValuesFiles(root, request.valuesFiles);
  if (!files.ok) return files;
  const values = mergeLayers([...files.value, ...request.layers]);
  if (!values.ok) return values;
  const input = {
    releaseName: request.releaseName,
    namespace: request.namespace,
    values: JSON.stringify(values.value),
  };
  const { packaged } = request;
  if (packaged) {
    const display = `chart ${packaged.name} ${packaged.version}`;
    const printed = await templateChart({ ...input, chart: packaged.path, display }, helm, signal);
    if (!printed.ok) return printed;
    const manifests = splitTemplateOutput(printed.value, packaged.name, packaged.name);
    return ok({ manifests, chart: packaged, reads: readsOf(request, []) });
  }
  const rel = checkArtifactPath(request.chartPath);
  if (!rel.ok) return rel;
  const chart = await readChart(root, rel.value, request.version);
  if (!chart.ok) return chart;
  const display = `chart ${chart.value.name} ${chart.value.version} (${rel.value || '.'})`;
  const chartDir = await realpath(join(root, rel.value));
  const copy = await copyArtifact(chartDir, helm.scratchDir);
  let printed: Result<string, RenderError>;
  try {
    printed = await templateChart(
      { ...input, chart: copy.dir, display, strip: copy.dir },
      helm,
      signal,
    );
  } finally {
    await copy.remove();
  }
  if (!printed.ok) return printed;
  const manifests = splitTemplateOutput(printed.value, chart.value.name, rel.value);
  return ok({ manifests, chart: chart.value, reads: readsOf(request, [rel.value]) });
}

function readsOf(request: ChartRequest, chart: string[]): string[] {
  const reads = new Set(chart);
  for (const f of request.valuesFiles) {
    const path = checkArtifactPath(f);
    if (path.ok) reads.add(path.value);
  }
  return [...reads].sort();
}

/** Templated manifests → objects to apply: parsed, hooks sorted out, namespaced, labelled. */
export function prepareChartObjects(
  manifests: readonly ManifestFile[],
  request: Pick<
    ChartRequest,
    'namespace' | 'targetNamespace' | 'syncName' | 'syncNamespace' | 'isNamespaced'
  >,
): Result<{ objects: RenderedObject[]; skippedHooks: string[] }, RenderError> {
  const parsed = parseManifests(manifests);
  if (!parsed.ok) return parsed;
  const scopes = resolveScopes(
    parsed.value.map((o) => o.object),
    request.isNamespaced,
  );
  const placed = defaultNamespace(parsed.value, request.namespace, (o) =>
    scopes(o.apiVersion, o.kind),
  );
  const { kept, skipped } = separateHooks(placed);
  const transformed = transformObjects(kept, request);
  if (!transformed.ok) return transformed;
  const duplicate = findDuplicate(transformed.value);
  return duplicate ? err(duplicate) : ok({ objects: transformed.value, skippedHooks: skipped });
}
