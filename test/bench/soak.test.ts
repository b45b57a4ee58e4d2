// The soak for two minutes at a reduced size (20 Syncs over 4 sources), against the test control
// plane: its invariants, not its timing targets. No drift missed, every Sync converged exactly once
// on every revision of its source, and file descriptors, handles, child processes and the
// operator's per-object maps bounded.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterTest as test, testCluster } from '../helpers/cluster.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [MINUTES, SYNCS, SOURCES] = [2, 20, 4];

type Figure = { start: number; end: number; max: number; slopePerHour: number };
type Soak = {
  drift: { made: number; corrected: number; missed: number };
  converged: { expected: number; seen: number; missing: number; duplicated: number };
  fds: Figure;
  activeHandles: Figure;
  children: Figure;
  remembered: Figure;
  samples: number;
};

function runSoak(out: string): Promise<{ code: number; output: string }> {
  const args = [
    join(root, 'bench', 'run.ts'),
    ...['--only', 'soak', '--kubeconfig', testCluster().kubeconfig, '--out', out],
    ...['--minutes', String(MINUTES), '--soak-syncs', String(SYNCS)],
    ...['--soak-sources', String(SOURCES)],
  ];
  return new Promise((done) => {
    execFile(
      process.execPath,
      args,
      { cwd: root, timeout: 420_000, killSignal: 'SIGTERM', maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

test(
  'soak --minutes 2: no drift missed, one Converged per Sync and revision, resources bounded',
  { timeout: 480_000 },
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'moor-soak-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const out = join(dir, 'soak.json');
    const { code, output } = await runSoak(out);
    assert.equal(code, 0, `soak exited with ${code}:\n${output.slice(-4000)}`);
    const results = JSON.parse(await readFile(out, 'utf8')) as { soak: Soak; errors?: unknown };
    assert.equal(results.errors, undefined);
    const soak = results.soak;
    t.diagnostic(JSON.stringify({ ...soak, timeline: undefined }));

    // A drift every 5 s, each put back.
    assert.ok(soak.drift.made >= (MINUTES * 60) / 5 - 2, `drifts made: ${soak.drift.made}`);
    assert.equal(soak.drift.missed, 0, 'drifts not put back');
    // A commit every 10 s, to the sources in turn: each Sync of the source converges on it once.
    const commits = (MINUTES * 60) / 10;
    const expected = SYNCS + (commits - 1) * (SYNCS / SOURCES);
    assert.ok(soak.converged.expected >= expected, `expected: ${soak.converged.expected}`);
    assert.equal(soak.converged.missing, 0, 'Converged Events missing');
    assert.equal(soak.converged.duplicated, 0, 'Converged Events duplicated');

    // Bounded: what the operator holds does not follow the number of commits or drifts.
    assert.ok(soak.samples >= (MINUTES * 60) / 10, `samples: ${soak.samples}`);
    assert.ok(soak.fds.end <= soak.fds.start + 16, `fds: ${JSON.stringify(soak.fds)}`);
    assert.ok(
      soak.activeHandles.end <= soak.activeHandles.start + 16,
      `active handles: ${JSON.stringify(soak.activeHandles)}`,
    );
    assert.ok(soak.children.max <= 16, `child processes: ${JSON.stringify(soak.children)}`);
    // Per-object maps hold a dozen entries at most per Sync or source.
    assert.ok(
      soak.remembered.max <= 12 * (SYNCS + SOURCES),
      `remembered entries: ${JSON.stringify(soak.remembered)}`,
    );
  },
);
