// Smoke test of the dashboard benchmark: `node bench/run.ts --only ui --quick` measures at small
// sizes (50 Syncs, a 200-object Sync, one run, 2 s of churn) in headless Chromium, well under a
// minute, and writes each of its figures as a number, so a broken scenario is caught.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { numberAt } from '../../bench/lib/report.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LIMIT_MS = 60_000;

test(
  'the ui scenario at --quick sizes measures every figure in under a minute',
  { timeout: 90_000 },
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'moor-bench-ui-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const out = join(dir, 'bench.json');
    const started = performance.now();
    const { code, output } = await new Promise<{ code: number; output: string }>((done) => {
      execFile(
        process.execPath,
        [join(root, 'bench', 'run.ts'), '--only', 'ui', '--quick', '--out', out],
        { cwd: root, timeout: LIMIT_MS, killSignal: 'SIGTERM', maxBuffer: 16 << 20 },
        (error, stdout, stderr) => {
          const c = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          done({ code: c, output: `${stdout}${stderr}` });
        },
      );
    });
    const took = performance.now() - started;
    assert.equal(
      code,
      0,
      `bench exited with ${code} after ${Math.round(took)} ms:\n${output.slice(-4000)}`,
    );
    t.diagnostic(`--only ui --quick took ${Math.round(took)} ms`);
    const results = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
    assert.equal(results.errors, undefined);
    for (const key of [
      'ui.overviewFirstRenderMs',
      'ui.openSyncMs',
      'ui.longestTaskMs',
      'ui.bundleGzipKiB',
    ])
      assert.equal(typeof numberAt(results, key), 'number', `${key} in ${out}`);
    assert.equal(numberAt(results, 'ui.syncs'), 50);
    assert.equal(numberAt(results, 'ui.objects'), 200);
    assert.ok((numberAt(results, 'ui.bundleGzipKiB') ?? 0) > 1, 'the bundle was measured');
  },
);
