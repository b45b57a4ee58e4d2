// The dashboard in Debian's headless Chromium: the operator's HTTP app (the real API, stream and
// built files) fed with a fleet made up in memory, since what is measured is the browser's side:
// first meaningful render of the overview with 1,000 Syncs, opening a Sync of 5,000 objects, the
// longest main-thread task while 100 Syncs change state per second, and the bundle's gzip size.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { ok, type KubeObject } from '../../src/core/index.ts';
import {
  createAccess,
  loadUiAssets,
  mountDashboard,
  noActions,
  type DashboardChange,
  type DashboardData,
  type ObjectNode,
} from '../../src/server/dashboard/index.ts';
import { startServer, type ServerApp } from '../../src/server/index.ts';
import { launchBrowser } from '../../test/ui/browser.ts';
import type { LocalContext } from '../lib/context.ts';
import { median, round } from '../lib/stats.ts';

const UI_DIST = join(import.meta.dirname, '..', '..', 'ui', 'dist');
const WAIT = { timeout: 60_000, polling: 'raf' } as const;

/** Page-side checks (run in the browser, so written as expressions). */
const overviewDrawn = (n: number) =>
  `document.querySelector('#h-syncs')?.textContent?.startsWith('Syncs (${n}') && document.querySelector('[aria-label=Syncs] [data-index="0"]')`;
const treeDrawn = (n: number) =>
  `document.querySelector('#h-tree')?.textContent === 'Objects (${n})' && document.querySelector('[aria-label=Objects] [data-index="0"]')`;
const WATCH_LONG_TASKS = `(() => {
  globalThis.longest = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) globalThis.longest = Math.max(globalThis.longest, e.duration);
  }).observe({ type: 'longtask', buffered: false });
})()`;

function fakeSync(i: number, ready: boolean, drift: number): KubeObject {
  const status = ready ? 'True' : 'False';
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60)).toISOString();
  return {
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'Sync',
    metadata: { namespace: `team-${i % 20}`, name: `app-${String(i).padStart(4, '0')}` },
    spec: { sourceRef: { name: 'fleet' }, path: `./apps/${i}` },
    status: {
      lastAppliedRevision: `main@sha1:${(i * 2654435761).toString(16).padStart(40, 'a').slice(0, 40)}`,
      conditions: ['Ready', 'InSync', 'Healthy'].map((type) => ({
        type,
        status,
        reason: ready ? 'Applied' : 'Progressing',
        message: ready ? `Applied revision for app ${i}` : `waiting on app ${i}`,
        lastTransitionTime: at,
      })),
      drift: drift ? { objects: [{ kind: 'Deployment', name: 'web', fields: [] }] } : undefined,
    },
  };
}

function bigTree(n: number): ObjectNode[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `/ConfigMap/big/cm-${i}`,
    depth: 0,
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: 'big',
    name: `cm-${String(i).padStart(5, '0')}`,
    health: 'Current',
    healthMessage: '',
    drifted: i % 97 === 0,
    deleted: false,
    drift: [],
  }));
}

function fleet(syncCount: number, objectCount: number) {
  const syncs = Array.from({ length: syncCount }, (_, i) => fakeSync(i, i % 7 !== 0, i % 11));
  const big = fakeSync(syncCount, true, 0);
  big.metadata = { namespace: 'big', name: 'big' };
  const tree = bigTree(objectCount);
  const listeners = new Set<(c: DashboardChange) => void>();
  const data: DashboardData = {
    sources: () => [],
    syncs: () => [...syncs, big],
    sync: (ns, name) =>
      [...syncs, big].find((s) => s.metadata.namespace === ns && s.metadata.name === name),
    objects: (s) => Promise.resolve(s === big ? tree : []),
    object: () => Promise.resolve(undefined),
    events: () => Promise.resolve([]),
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    resourceOf: () => Promise.resolve({ group: '', resource: 'configmaps' }),
    requestReconcile: () => Promise.resolve(ok('')),
    actions: noActions(),
  };
  const flip = (i: number, ready: boolean): void => {
    const obj = fakeSync(i, ready, ready ? 0 : 1);
    syncs[i] = obj;
    for (const l of listeners) l({ kind: 'Sync', type: 'upsert', obj });
  };
  return { data, flip };
}

async function bundleGzipBytes(): Promise<number> {
  const dir = join(UI_DIST, 'assets');
  let total = 0;
  for (const name of await readdir(dir))
    if (/\.(js|css)$/.test(name))
      total += gzipSync(await readFile(join(dir, name)), { level: 9 }).length;
  return total;
}

export async function runUi(ctx: LocalContext): Promise<Record<string, unknown>> {
  const syncCount = ctx.sizes.uiSyncs;
  const objectCount = ctx.sizes.uiObjects;
  const runs = ctx.sizes.uiRuns;
  const churnSeconds = ctx.sizes.uiChurnSeconds;
  const { data, flip } = fleet(syncCount, objectCount);
  const assets = await loadUiAssets(UI_DIST);
  if (!assets) throw new Error(`the dashboard is not built in ${UI_DIST}: run scripts/setup.sh`);
  const access = createAccess({
    insecureLocal: true,
    now: () => performance.now(),
    reviews: {
      reviewToken: () => Promise.resolve(ok(undefined)),
      reviewAccess: () => Promise.resolve(ok(false)),
    },
  });
  const app = new Hono();
  mountDashboard(app, { data, access, assets, logger: { warn: () => undefined } });
  const server = await startServer('127.0.0.1:0', app as unknown as ServerApp);
  const url = `http://${server.address}`;
  const browser = await launchBrowser();
  try {
    const renders: number[] = [];
    const opens: number[] = [];
    for (let run = 0; run < runs; run++) {
      const page = await browser.newPage({
        viewport: { width: 1280, height: 900 },
        bypassCSP: true,
      });
      await page.goto(`${url}/ui/`);
      await page.waitForFunction(overviewDrawn(syncCount + 1), undefined, WAIT);
      renders.push(await page.evaluate<number>('performance.now()'));
      const t0 = await page.evaluate<number>(
        "(() => { const t = performance.now(); location.hash = '#/syncs/big/big'; return t; })()",
      );
      await page.waitForFunction(treeDrawn(objectCount), undefined, WAIT);
      opens.push((await page.evaluate<number>('performance.now()')) - t0);
      await page.close();
    }
    ctx.log(
      `  overview first render ${renders.map((v) => round(v)).join(', ')} ms; open ${opens.map((v) => round(v)).join(', ')} ms`,
    );

    // 100 Syncs change state per second for churnSeconds; the longest task on the main thread.
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    await page.goto(`${url}/ui/`);
    await page.waitForSelector('[aria-label=Syncs] [data-index="0"]', { timeout: 60_000 });
    await page.evaluate(WATCH_LONG_TASKS);
    let next = 0;
    for (let tick = 0; tick < churnSeconds * 10; tick++) {
      for (let k = 0; k < 10; k++) {
        const i = (next++ * 7919) % syncCount;
        flip(i, tick % 2 === 0);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 500));
    const longest = await page.evaluate<number>('globalThis.longest');
    const shown = await page.locator('[data-state=notReady] .count').textContent();
    ctx.log(`  longest task during churn ${round(longest)} ms (not ready now: ${shown})`);
    return {
      ui: {
        syncs: syncCount,
        objects: objectCount,
        overviewFirstRenderMs: round(median(renders)),
        openSyncMs: round(median(opens)),
        churnSyncsPerSecond: 100,
        longestTaskMs: round(longest),
        bundleGzipKiB: round((await bundleGzipBytes()) / 1024),
      },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
