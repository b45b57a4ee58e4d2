/**
 * Charts from OCI registries (`oci://host/path`, a HelmRepository's URL): pulled by helm (the
 * render adapter), the version a range resolves to kept for the repository's interval (bounded,
 * least recently used forgotten), each package kept on disk under its digest among the bounded
 * chart packages.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { err, ok, type Clock } from '../../core/index.ts';
import { pullOciChart, type HelmSettings } from '../../render/index.ts';
import {
  ChartCacheLimits,
  createChartPackages,
  createLruMap,
  type ChartPackages,
  type FetchedChart,
  type HelmCharts,
} from '../../source/index.ts';

type Pull = {
  readonly ref: string;
  readonly chart: string;
  readonly range: string | undefined;
  readonly repo: Parameters<HelmCharts['fetch']>[0];
};

export function createOciCharts(
  dir: string,
  clock: Clock,
  helm: HelmSettings,
  packages: ChartPackages = createChartPackages(),
): HelmCharts {
  const resolved = createLruMap<{ chart: FetchedChart; at: number }>(ChartCacheLimits.ociVersions);

  /** Pulls into a fresh directory, then keeps the package under its digest. */
  async function pull(p: Pull, signal: AbortSignal) {
    const destination = join(dir, 'pull', randomBytes(6).toString('hex'));
    await mkdir(destination, { recursive: true });
    try {
      const pulled = await pullOciChart(
        {
          ref: p.ref,
          version: p.range,
          destination,
          plainHttp: p.repo.plainHttp ?? false,
          username: p.repo.username,
          password: p.repo.password,
          display: `chart ${p.ref}${p.range ? ` ${p.range}` : ''}`,
        },
        helm,
        signal,
      );
      if (!pulled.ok) return err(pulled.error.message);
      const version = basename(pulled.value, '.tgz').slice(p.chart.length + 1);
      const body = await readFile(pulled.value);
      const digest = createHash('sha256').update(body).digest('hex');
      const path = join(dir, `${p.chart}-${version}-${digest.slice(0, 16)}.tgz`);
      await rename(pulled.value, path);
      const fetched = { name: p.chart, version, path, digest };
      await packages.set(`oci/${digest}`, fetched, { path, bytes: body.length });
      return ok(fetched);
    } finally {
      await rm(destination, { recursive: true, force: true });
    }
  }

  return {
    async fetch(repo, chart, range, signal) {
      const ref = `${repo.url.replace(/\/+$/, '')}/${chart}`;
      const key = createHash('sha256')
        .update(`${ref}\0${range ?? ''}\0${repo.username ?? ''}\0${repo.password ?? ''}`)
        .digest('hex')
        .slice(0, 24);
      const known = resolved.get(key);
      const fresh = known !== undefined && clock.monotonic() - known.at < repo.intervalMs;
      // A version kept for the interval counts only while its package is still on disk.
      if (known && fresh && packages.get(`oci/${known.chart.digest}`)) return ok(known.chart);
      const pulled = await pull({ ref, chart, range, repo }, signal);
      if (pulled.ok) resolved.set(key, { chart: pulled.value, at: clock.monotonic() });
      return pulled;
    },
  };
}
