// Charts from Helm repositories: the index fetched and kept for the repository's interval, each
// chart version's package fetched once and kept on disk (ADR 0024). HTTP(S) only, with basic auth.
// Both are bounded (ChartCacheLimits): the least recently used index is forgotten, the least
// recently used package removed from disk.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, Result } from '../core/index.ts';
import { err, ok } from '../core/index.ts';
import { createBoundedFiles, createLruMap, type BoundedFiles } from './bounded-files.ts';
import { parseHelmIndex, pickChartVersion, type HelmIndex } from './helm-index.ts';

/** How much of the chart caches an operator keeps (README, limits). */
export const ChartCacheLimits = {
  /** Chart packages on disk (HTTP and OCI together), least recently used removed first. */
  packages: { maxFiles: 128, maxBytes: 256 * 1024 * 1024 },
  /** Repository indexes (HTTP) and resolved OCI versions kept in memory. */
  indexes: 32,
  ociVersions: 256,
} as const;

/** The packages on disk, shared by the HTTP and OCI caches. */
export type ChartPackages = BoundedFiles<FetchedChart>;

export const createChartPackages = (): ChartPackages =>
  createBoundedFiles<FetchedChart>(ChartCacheLimits.packages);

export type HelmRepositoryAccess = {
  readonly url: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** OCI over plain HTTP. */
  readonly plainHttp?: boolean;
};

/** A chart version on disk, ready for `helm template`. */
export type FetchedChart = {
  readonly name: string;
  readonly version: string;
  /** The .tgz. */
  readonly path: string;
  /** sha256 of the package, for cache keys. */
  readonly digest: string;
};

export type HelmCharts = {
  fetch(
    repo: HelmRepositoryAccess,
    chart: string,
    range: string | undefined,
    signal: AbortSignal,
  ): Promise<Result<FetchedChart, string>>;
};

const MAX_BYTES = 32 * 1024 * 1024;

async function download(
  url: string,
  repo: HelmRepositoryAccess,
  signal: AbortSignal,
): Promise<Result<Buffer, string>> {
  const headers: Record<string, string> = {};
  if (repo.username !== undefined) {
    const token = Buffer.from(`${repo.username}:${repo.password ?? ''}`).toString('base64');
    headers.authorization = `Basic ${token}`;
  }
  try {
    const res = await fetch(url, {
      headers,
      redirect: 'error',
      signal: AbortSignal.any([signal, AbortSignal.timeout(repo.timeoutMs)]),
    });
    if (!res.ok) return err(`GET ${url}: HTTP ${res.status}`);
    const body = Buffer.from(await res.arrayBuffer());
    if (body.length > MAX_BYTES) return err(`GET ${url}: more than ${MAX_BYTES} bytes`);
    return ok(body);
  } catch (cause) {
    return err(`GET ${url}: ${(cause as Error).message}`);
  }
}

const resolveUrl = (base: string, ref: string) =>
  new URL(ref, base.endsWith('/') ? base : `${base}/`).href;

/** Index and package caches over `dir` (packages) and memory (indexes). */
export function createHelmCharts(
  dir: string,
  clock: Clock,
  packages: ChartPackages = createChartPackages(),
): HelmCharts {
  const indexes = createLruMap<{ index: HelmIndex; at: number }>(ChartCacheLimits.indexes);
  const keyOf = (repo: HelmRepositoryAccess) =>
    createHash('sha256')
      .update(`${repo.url}\0${repo.username ?? ''}\0${repo.password ?? ''}`)
      .digest('hex')
      .slice(0, 24);

  async function indexOf(repo: HelmRepositoryAccess, signal: AbortSignal) {
    const key = keyOf(repo);
    const known = indexes.get(key);
    if (known && clock.monotonic() - known.at < repo.intervalMs) return ok(known.index);
    const body = await download(resolveUrl(repo.url, 'index.yaml'), repo, signal);
    if (!body.ok) return body;
    const parsed = parseHelmIndex(body.value.toString('utf8'));
    if (!parsed.ok) return err(`${repo.url}: ${parsed.error}`);
    indexes.set(key, { index: parsed.value, at: clock.monotonic() });
    return parsed;
  }

  return {
    async fetch(repo, chart, range, signal) {
      const index = await indexOf(repo, signal);
      if (!index.ok) return index;
      const picked = pickChartVersion(index.value, chart, range);
      if (!picked.ok) return picked;
      const key = `${keyOf(repo)}/${chart}-${picked.value.version}`;
      const known = packages.get(key);
      if (known) return ok(known);
      const url = picked.value.urls[0];
      if (!url) return err(`chart ${chart} ${picked.value.version}: the index lists no URL`);
      const body = await download(resolveUrl(repo.url, url), repo, signal);
      if (!body.ok) return body;
      const digest = createHash('sha256').update(body.value).digest('hex');
      if (picked.value.digest && picked.value.digest !== digest)
        return err(`chart ${chart} ${picked.value.version}: digest ${digest} is not the index's`);
      await mkdir(join(dir, keyOf(repo)), { recursive: true });
      const path = join(dir, `${key}.tgz`);
      await writeFile(path, body.value);
      const fetched = { name: chart, version: picked.value.version, path, digest };
      await packages.set(key, fetched, { path, bytes: body.value.length });
      return ok(fetched);
    },
  };
}
