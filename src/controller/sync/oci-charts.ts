/**
 * Charts from OCI registries (`oci://host/path`, a HelmRepository's URL): pulled by helm (the
 * render adapter), the version a range resolves to kept for the repository's interval, each
 * version's package kept on disk.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { err, ok, type Clock } from '../../core/index.ts';
import { pullOciChart, type HelmSettings } from '../../render/index.ts';
import type { FetchedChart, HelmCharts } from '../../source/index.ts';

export function createOciCharts(dir: string, clock: Clock, helm: HelmSettings): HelmCharts {
  const resolved = new Map<string, { chart: FetchedChart; at: number }>();
  return {
    async fetch(repo, chart, range, signal) {
      const ref = `${repo.url.replace(/\/+$/, '')}/${chart}`;
      const key = createHash('sha256')
        .update(`${ref}\0${range ?? ''}\0${repo.username ?? ''}\0${repo.password ?? ''}`)
        .digest('hex')
        .slice(0, 24);
      const known = resolved.get(key);
      if (known && clock.monotonic() - known.at < repo.intervalMs) return ok(known.chart);
      const destination = join(dir, key, randomBytes(6).toString('hex'));
      await mkdir(destination, { recursive: true });
      const pulled = await pullOciChart(
        {
          ref,
          version: range,
          destination,
          plainHttp: repo.plainHttp ?? false,
          username: repo.username,
          password: repo.password,
          display: `chart ${ref}${range ? ` ${range}` : ''}`,
        },
        helm,
        signal,
      );
      if (!pulled.ok) return err(pulled.error.message);
      const version = basename(pulled.value, '.tgz').slice(chart.length + 1);
      const digest = createHash('sha256')
        .update(await readFile(pulled.value))
        .digest('hex');
      const fetched = { name: chart, version, path: pulled.value, digest };
      resolved.set(key, { chart: fetched, at: clock.monotonic() });
      return ok(fetched);
    },
  };
}
