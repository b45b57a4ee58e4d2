// What `helm template` prints, as manifest files of the artifact: each `# Source: chart/…` block
// is named by its path in the artifact, so errors and object sources read like plain YAML ones.
// Pure.
import type { KubeObject } from '../core/index.ts';
import { formatObjectId, HelmAnnotations, helmHookPhase, objectIdOf } from '../core/index.ts';
import type { ManifestFile, RenderedObject } from './types.ts';

const SOURCE = /^# Source: (.+)$/;

/**
 * Splits helm's YAML stream by its `# Source:` comments. `chartName/x` becomes `chartPath/x`
 * (subcharts keep their `charts/<dep>/` path inside it); documents of one source stay together.
 */
export function splitTemplateOutput(
  stdout: string,
  chartName: string,
  chartPath: string,
): ManifestFile[] {
  const files = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of stdout.split('\n')) {
    const source = SOURCE.exec(line);
    if (source) {
      const shown = inArtifact(source[1] ?? '', chartName, chartPath);
      current = files.get(shown);
      if (current) current.push('---');
      else files.set(shown, (current = []));
      continue;
    }
    if (line === '---' && current === undefined) continue;
    if (line === '---') {
      current = undefined;
      continue;
    }
    current?.push(line);
  }
  return [...files.entries()].map(([path, lines]) => ({ path, content: `${lines.join('\n')}\n` }));
}

function inArtifact(source: string, chartName: string, chartPath: string): string {
  const rest = source.startsWith(`${chartName}/`) ? source.slice(chartName.length + 1) : source;
  return chartPath ? `${chartPath}/${rest}` : rest;
}

/** Hooks Moor does not apply (test, delete and rollback hooks), to report, and the rest. */
export function separateHooks(objects: readonly RenderedObject[]): {
  readonly kept: RenderedObject[];
  readonly skipped: string[];
} {
  const kept: RenderedObject[] = [];
  const skipped: string[] = [];
  for (const o of objects) {
    if (helmHookPhase(o.object.metadata.annotations) === 'skipped')
      skipped.push(describeHook(o.object));
    else kept.push(o);
  }
  return { kept, skipped: skipped.sort() };
}

function describeHook(object: KubeObject): string {
  const hook = object.metadata.annotations?.[HelmAnnotations.hook] ?? '';
  return `${formatObjectId(objectIdOf(object))} (${hook})`;
}

/** Namespaced objects a chart leaves without a namespace go to the release namespace. */
export function defaultNamespace(
  objects: readonly RenderedObject[],
  namespace: string,
  isNamespaced: (o: KubeObject) => boolean,
): RenderedObject[] {
  return objects.map((o) => {
    if (o.object.metadata.namespace || !isNamespaced(o.object)) return o;
    return { ...o, object: { ...o.object, metadata: { ...o.object.metadata, namespace } } };
  });
}
