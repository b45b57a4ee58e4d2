// Smoke test of `node bench/run.ts`: every scenario at tiny sizes against the test control plane,
// and the JSON it writes carries every figure the benchmark promises, as numbers.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberAt } from '../../bench/lib/report.ts';
import { clusterTest as test, testCluster } from '../helpers/cluster.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const REQUIRED_KEYS = [
  'machine.cores',
  'pushToConverged.webhook.p50Ms',
  'pushToConverged.webhook.p95Ms',
  'pushToConverged.polling.p50Ms',
  'noop.requests',
  'noop.writes',
  'noop.cpuMs',
  'drift.p50Ms',
  'drift.p95Ms',
  'manySyncs.readySeconds',
  'manySyncs.peakRssMiB',
  'steady.rssMiB',
  'ceiling.objectsPerSecond',
  'initialApply.objectsPerSecond',
  'initialApply.ratioToCeiling',
  'cli.getSyncs.wallMs',
  'cli.getSyncs.cpuMs',
  'cli.kubectl.wallMs',
  'cost.baseline.rssMiB',
  'cost.perObject.rssBytesPer',
  'cost.perObject.heapBytesPer',
  'cost.perSync.rssBytesPer',
  'sharedSource.changedApplied.p50Ms',
  'sharedSource.allAtRevision.p50Ms',
  'startup.readyMs',
  'startup.noopLogs.bytesPerInterval',
] as const;

function runBench(args: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(root, 'bench', 'run.ts'), ...args],
      { cwd: root, timeout: timeoutMs, killSignal: 'SIGTERM', maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

test('npm run bench --quick measures every scenario and writes every figure', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'moor-bench-smoke-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const out = join(dir, 'bench.json');
  const { code, output } = await runBench(
    ['--quick', '--kubeconfig', testCluster().kubeconfig, '--out', out],
    // Eleven scenarios, several of them restarting operators: a few minutes on a loaded machine.
    300_000,
  );
  assert.equal(code, 0, `bench exited with ${code}:\n${output.slice(-4000)}`);
  const results = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
  const missing = REQUIRED_KEYS.filter((key) => numberAt(results, key) === undefined);
  assert.deepEqual(missing, [], `figures missing or not numbers in ${out}`);
  assert.equal(results.errors, undefined);
  assert.ok((numberAt(results, 'machine.cores') ?? 0) >= 1);
  assert.equal(typeof (results.machine as { node?: unknown }).node, 'string');
  assert.equal(typeof (results.machine as { date?: unknown }).date, 'string');
  assert.equal((results.sizes as { objects?: unknown }).objects, 20);
  // The readable table goes to stdout and next to the JSON.
  assert.match(output, /\| push → converged, webhook \| p50 \/ p95 \|/);
  const markdown = await readFile(join(dir, 'bench.md'), 'utf8');
  assert.match(markdown, /\| drift corrected \|/);
  assert.match(markdown, /\| objects \| Syncs \| Ready \(s\) \| RSS \(MiB\) \|/);
});
