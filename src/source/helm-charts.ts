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

/** Why an index or package could not be fetched. */
export const IndexErrorCodes = {
  /** No answer: refused, no route, a name that does not resolve. */
  unreachable: 'unreachable',
  timeout: 'timeout',
  /** HTTP 401 or 403: the credentials are missing or refused. */
  unauthorized: 'unauthorized',
  /** Any other HTTP status but 2xx. */
  http: 'http',
  /** Too large, or not a Helm index. */
  invalid: 'invalid',
} as const;
export type IndexErrorCode = (typeof IndexErrorCodes)[keyof typeof IndexErrorCodes];
export type IndexError = { readonly code: IndexErrorCode; readonly message: string };

const fail = (code: IndexErrorCode, message: string) => err({ code, message });

/** The underlying reason of a failed fetch (undici says only "fetch failed"). */
function causeOf(cause: unknown): { code: IndexErrorCode; text: string } {
  const error = cause as Error & { cause?: { message?: unknown } };
  if (error.name === 'TimeoutError') return { code: 'timeout', text: 'timed out' };
  const inner = typeof error.cause?.message === 'string' ? `: ${error.cause.message}` : '';
  return { code: 'unreachable', text: `${error.message}${inner}` };
}

async function download(
  url: string,
  repo: HelmRepositoryAccess,
  signal: AbortSignal,
): Promise<Result<Buffer, IndexError>> {
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
    if (!res.ok) {
      const code = res.status === 401 || res.status === 403 ? 'unauthorized' : 'http';
      return fail(code, `GET ${url}: HTTP ${res.status}`);
    }
    const body = Buffer.from(await res.arrayBuffer());
    if (body.length > MAX_BYTES) return fail('invalid', `GET ${url}: more than ${MAX_BYTES} bytes`);
    return ok(body);
  } catch (cause) {
    const { code, text } = causeOf(cause);
    return fail(code, `GET ${url}: ${text}`);
  }
}

const resolveUrl = (base: string, ref: string) =>
  new URL(ref, base.endsWith('/') ? base : `${base}/`).href;

/** A repository's index as last fetched: what a HelmRepository's status reports. */
export type IndexSnapshot = {
  /** sha256:<hex> of index.yaml as served. */
  readonly digest: string;
  readonly charts: number;
  readonly versions: number;
  readonly fetchedAt: Date;
  /** How long ago it was fetched (monotonic ms). */
  readonly ageMs: number;
};

export type HelmIndexes = {
  /**
   * The repository's index: the cached one while younger than its interval (unless `force`),
   * else fetched again (one fetch at a time per repository, shared with the Syncs' renders).
   */
  index(
    repo: HelmRepositoryAccess,
    signal: AbortSignal,
    options?: { readonly force?: boolean },
  ): Promise<Result<IndexSnapshot, IndexError>>;
};

type IndexEntry = {
  readonly index: HelmIndex;
  readonly at: number;
  readonly digest: string;
  readonly fetchedAt: Date;
};

const snapshotOf = (entry: IndexEntry, now: number): IndexSnapshot => {
  let versions = 0;
  for (const list of entry.index.values()) versions += list.length;
  const { digest, fetchedAt } = entry;
  return { digest, charts: entry.index.size, versions, fetchedAt, ageMs: now - entry.at };
};

/** Index and package caches over `dir` (packages) and memory (indexes). */
export function createHelmCharts(
  dir: string,
  clock: Clock,
  packages: ChartPackages = createChartPackages(),
): HelmCharts & HelmIndexes {
  const indexes = createLruMap<IndexEntry>(ChartCacheLimits.indexes);
  const inFlight = new Map<string, Promise<Result<IndexEntry, IndexError>>>();
  const keyOf = (repo: HelmRepositoryAccess) =>
    createHash('sha256')
      .update(`${repo.url}\0${repo.username ?? ''}\0${repo.password ?? ''}`)
      .digest('hex')
      .slice(0, 24);

  async function fetchIndex(repo: HelmRepositoryAccess, signal: AbortSignal) {
    const body = await download(resolveUrl(repo.url, 'index.yaml'), repo, signal);
    if (!body.ok) return body;
    const parsed = parseHelmIndex(body.value.toString('utf8'));
    if (!parsed.ok) return fail('invalid', `${repo.url}: ${parsed.error}`);
    const digest = `sha256:${createHash('sha256').update(body.value).digest('hex')}`;
    const entry = { index: parsed.value, at: clock.monotonic(), digest, fetchedAt: clock.now() };
    indexes.set(keyOf(repo), entry);
    return ok(entry);
  }

  async function entryOf(repo: HelmRepositoryAccess, signal: AbortSignal, force = false) {
    const key = keyOf(repo);
    const known = indexes.get(key);
    if (!force && known && clock.monotonic() - known.at < repo.intervalMs) return ok(known);
    const running = inFlight.get(key);
    if (running) return running;
    const started = fetchIndex(repo, signal).finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  }

  async function indexOf(repo: HelmRepositoryAccess, signal: AbortSignal) {
    const entry = await entryOf(repo, signal);
    return entry.ok ? ok(entry.value.index) : err(entry.error.message);
  }

  return {
    async index(repo, signal, options) {
      const entry = await entryOf(repo, signal, options?.force);
      return entry.ok ? ok(snapshotOf(entry.value, clock.monotonic())) : entry;
    },
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
      if (!body.ok) return err(body.error.message);
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
