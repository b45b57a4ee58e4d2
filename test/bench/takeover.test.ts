// The take-over scenario against the test control plane: two operators with the default 15 s
// Lease, the leader SIGKILLed twice. Its invariants, not its target: the standby did not lead
// before the Lease could have expired (that would be two leaders), it led within the lease plus
// a loaded machine's margin, and the commit pushed at the kill was applied by the new leader.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterTest as test, testCluster } from '../helpers/cluster.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

type Takeover = {
  leaseSeconds: number;
  rounds: number;
  leaseMs: number;
  convergedMs: number;
  leaseRuns: number[];
  convergedRuns: number[];
  ready: boolean;
};

function runTakeover(out: string): Promise<{ code: number; output: string }> {
  const args = [
    join(root, 'bench', 'run.ts'),
    ...['--only', 'takeover', '--kubeconfig', testCluster().kubeconfig, '--out', out],
  ];
  return new Promise((done) => {
    execFile(
      process.execPath,
      args,
      { cwd: root, timeout: 300_000, killSignal: 'SIGTERM', maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

test(
  'takeover: after SIGKILL of the leader the standby leads after the Lease, and applies the next commit',
  { timeout: 360_000 },
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'moor-takeover-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const out = join(dir, 'takeover.json');
    const { code, output } = await runTakeover(out);
    assert.equal(code, 0, `takeover exited with ${code}:\n${output.slice(-4000)}`);
    const results = JSON.parse(await readFile(out, 'utf8')) as {
      takeover: Takeover;
      errors?: unknown;
    };
    assert.equal(results.errors, undefined);
    const r = results.takeover;
    t.diagnostic(JSON.stringify(r));
    assert.equal(r.leaseSeconds, 15);
    assert.equal(r.leaseRuns.length, r.rounds);
    const leaseMs = r.leaseSeconds * 1000;
    for (const [i, ms] of r.leaseRuns.entries()) {
      // The last renew was at most one renew interval (2 s retry) before the kill.
      assert.ok(
        ms >= leaseMs - 2_500,
        `round ${i + 1}: led after ${ms} ms, before the lease ran out`,
      );
      assert.ok(ms <= leaseMs + 15_000, `round ${i + 1}: led after ${ms} ms`);
      assert.ok((r.convergedRuns[i] ?? Infinity) >= ms, 'applied before it led');
    }
    assert.equal(r.ready, true);
  },
);
