// The test command: starts one local control plane for the whole run, runs every test file with
// node's test runner against it, stops it, and closes with `N passed, N failed, N skipped`.
//
//   node test/run.ts [--no-cluster] [path-or-folder ...]
import { spawn } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlPlane, stopControlPlane } from './cluster/control-plane.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const noCluster = args.includes('--no-cluster');
const targets = args.filter((a) => !a.startsWith('--'));

async function findTests(dir: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    const full = join(entry.parentPath, entry.name);
    if (entry.isFile() && entry.name.endsWith('.test.ts') && !full.includes('node_modules')) {
      found.push(relative(root, full));
    }
  }
  return found;
}

const roots =
  targets.length > 0
    ? targets.map((t) => resolve(root, t))
    : [join(root, 'src'), join(root, 'test')];
const files: string[] = [];
for (const r of roots) {
  if (r.endsWith('.test.ts')) files.push(relative(root, r));
  else files.push(...(await findTests(r)));
}
files.sort();
if (files.length === 0) {
  console.log('no test files found\n0 passed, 0 failed');
  process.exit(1);
}

const env: NodeJS.ProcessEnv = { ...process.env };
let stateDir: string | undefined;
if (!noCluster) {
  stateDir = await mkdtemp(join(tmpdir(), 'moor-test-cluster-'));
  const started = Date.now();
  const cluster = await startControlPlane({
    stateDir,
    signal: AbortSignal.timeout(80 * 60_000),
    log: (line) => console.log(`[cluster] ${line}`),
  });
  console.log(`[cluster] up in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  env.MOOR_TEST_KUBECONFIG = cluster.kubeconfig;
  env.MOOR_TEST_BIN_DIR = cluster.binDir;
} else if (!env.MOOR_TEST_KUBECONFIG) {
  console.log('[cluster] none given (MOOR_TEST_KUBECONFIG): tests that need one are skipped');
}

const cleanup = async (): Promise<void> => {
  if (stateDir) await stopControlPlane(stateDir);
};
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    void cleanup().finally(() => process.exit(130));
  });
}

const child = spawn(
  process.execPath,
  [
    '--test',
    '--test-concurrency=3',
    '--test-timeout=600000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'test', 'summary-reporter.ts')}`,
    '--test-reporter-destination=stdout',
    ...files,
  ],
  { cwd: root, env, stdio: 'inherit' },
);
const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? 1)));
await cleanup();
process.exit(code);
