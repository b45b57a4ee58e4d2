// The chart caches of one operator (or one preview): HTTP indexes and OCI versions in memory,
// packages on disk in a directory of its own (`moor-charts-<pid>-<random>` under the helm
// scratch directory), bounded (ChartCacheLimits), removed by `close` and when `signal` aborts.
// Directories left by a process that no longer runs (a crash) are removed at the next start.
import { mkdtempSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../core/index.ts';
import type { HelmSettings } from '../render/index.ts';
import {
  createChartPackages,
  createHelmCharts,
  type HelmCharts,
  type HelmIndexes,
} from '../source/index.ts';
import { createOciCharts } from './sync/oci-charts.ts';

export type ChartCaches = HelmCharts &
  HelmIndexes & {
    /** The directory its packages are in. */
    readonly dir: string;
    /** Removes the packages on disk. */
    close(): Promise<void>;
  };

const PREFIX = 'moor-charts-';

/** Whether a process with this pid runs (EPERM: it runs, as another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the chart directories under `scratch` whose process has gone. */
export async function sweepChartDirs(scratch: string): Promise<string[]> {
  const names = await readdir(scratch).catch(() => [] as string[]);
  const gone = names.filter((name) => {
    const pid = Number(/^moor-charts-(\d+)(?:-|$)/.exec(name)?.[1] ?? Number.NaN);
    return Number.isInteger(pid) && pid !== process.pid && !running(pid);
  });
  await Promise.all(gone.map((n) => rm(join(scratch, n), { recursive: true, force: true })));
  return gone;
}

/** Charts from repositories: http(s) indexes, or OCI registries through helm. */
export function createChartCaches(
  w: { readonly helm?: HelmSettings | undefined; readonly clock: Clock },
  signal?: AbortSignal,
): ChartCaches {
  const helm = w.helm ?? { path: undefined };
  const scratch = helm.scratchDir ?? tmpdir();
  void sweepChartDirs(scratch);
  // Made now (it is one directory): the caches below write under it from their first fetch.
  const dir = mkdtempSync(join(scratch, `${PREFIX}${process.pid}-`));
  const packages = createChartPackages();
  const http = createHelmCharts(join(dir, 'http'), w.clock, packages);
  const oci = createOciCharts(join(dir, 'oci'), w.clock, helm, packages);
  const close = () => rm(dir, { recursive: true, force: true });
  signal?.addEventListener('abort', () => void close(), { once: true });
  return {
    dir,
    fetch: (repo, ...rest) => (repo.url.startsWith('oci://') ? oci : http).fetch(repo, ...rest),
    // An OCI registry has no index: its versions are resolved per chart.
    index: (repo, ...rest) => http.index(repo, ...rest),
    close,
  };
}
