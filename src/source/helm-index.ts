// A Helm repository's index.yaml, and the version a range picks from it (highest match). Pure.
import semver from 'semver';
import { parse as parseYaml } from 'yaml';
import type { Result } from '../core/index.ts';
import { err, ok } from '../core/index.ts';

export type ChartVersion = {
  readonly version: string;
  readonly urls: readonly string[];
  readonly digest?: string;
};
/** Chart name → its versions. */
export type HelmIndex = ReadonlyMap<string, readonly ChartVersion[]>;

export function parseHelmIndex(text: string): Result<HelmIndex, string> {
  let doc: { entries?: Record<string, unknown> } | undefined;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 }) as typeof doc;
  } catch (cause) {
    return err(`index.yaml does not parse: ${(cause as Error).message.split('\n')[0] ?? ''}`);
  }
  if (!doc || typeof doc.entries !== 'object' || doc.entries === null)
    return err('index.yaml has no entries');
  const index = new Map<string, ChartVersion[]>();
  for (const [name, list] of Object.entries(doc.entries)) {
    if (!Array.isArray(list)) continue;
    const versions: ChartVersion[] = [];
    for (const item of list as { version?: unknown; urls?: unknown; digest?: unknown }[]) {
      if (typeof item.version !== 'string' || !Array.isArray(item.urls)) continue;
      const urls = item.urls.filter((u): u is string => typeof u === 'string');
      const digest = typeof item.digest === 'string' ? { digest: item.digest } : {};
      versions.push({ version: item.version, urls, ...digest });
    }
    index.set(name, versions);
  }
  return ok(index);
}

/** The highest version matching `range` (any version when none); else the versions found. */
export function pickChartVersion(
  index: HelmIndex,
  chart: string,
  range: string | undefined,
): Result<ChartVersion, string> {
  const versions = index.get(chart) ?? [];
  if (versions.length === 0) return err(`chart ${chart} is not in the repository`);
  const valid = versions.filter((v) => semver.valid(v.version) !== null);
  const wanted = range ?? '*';
  const best = semver.maxSatisfying(
    valid.map((v) => v.version),
    wanted,
  );
  const found = valid.find((v) => v.version === best);
  if (found) return ok(found);
  const listed = semver.rsort(valid.map((v) => v.version)).join(', ');
  return err(`chart ${chart}: no version matches ${wanted}; versions found: ${listed || 'none'}`);
}
