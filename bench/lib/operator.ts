// Runs the real operator (`bin/moor operator`) for a benchmark: scoped to one namespace, on a free
// loopback port, with its JSON log in a file. Exposes what the benchmarks read from it: /metrics,
// CPU time and memory from /proc.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseMetrics, sumOf, type Sample } from './prometheus.ts';
import { readCpuMs, readMemory, type Memory } from './proc.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const moorBin = join(root, 'bin', 'moor');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

export type OperatorLaunch = {
  readonly kubeconfig: string;
  readonly namespace: string;
  /** Where the log, artifacts and (with cpuProfDir) nothing else go. */
  readonly workDir: string;
  readonly concurrency?: number;
  /** Write a V8 CPU profile of the operator into this directory when it stops. */
  readonly cpuProfDir?: string;
  /** Let `heapSnapshot()` write V8 heap snapshots (SIGUSR2) into this directory. */
  readonly heapSnapshotDir?: string;
  /** Appended to NODE_OPTIONS. */
  readonly nodeOptions?: string;
  /** More `moor operator` flags (e.g. `--helm PATH`). */
  readonly extraArgs?: readonly string[];
  readonly clockTicks: number;
  /** Aborting it stops the operator (an interrupted run leaves none behind). */
  readonly signal: AbortSignal;
};

export type BenchOperator = {
  readonly pid: number;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly logPath: string;
  metrics(): Promise<Sample[]>;
  cpuMs(): Promise<number>;
  memory(): Promise<Memory>;
  /** Writes a heap snapshot (after a full GC) when launched with a snapshot directory; its path. */
  heapSnapshot(): Promise<string | undefined>;
  /** SIGTERM, wait (bounded), then SIGKILL. */
  stop(): Promise<void>;
};

type StartedLine = { msg?: string; http?: string };

export async function launchOperator(opts: OperatorLaunch): Promise<BenchOperator> {
  await mkdir(opts.workDir, { recursive: true });
  const logPath = join(opts.workDir, 'operator.log');
  const out = createWriteStream(logPath);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (opts.cpuProfDir) {
    await mkdir(opts.cpuProfDir, { recursive: true });
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${opts.cpuProfDir}`;
  }
  if (opts.heapSnapshotDir) {
    await mkdir(opts.heapSnapshotDir, { recursive: true });
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${opts.heapSnapshotDir}`;
  }
  if (opts.nodeOptions) env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} ${opts.nodeOptions}`;
  const child = spawn(
    moorBin,
    [
      '--kubeconfig',
      opts.kubeconfig,
      '--namespace',
      opts.namespace,
      'operator',
      '--allow-file-urls',
      '--http-addr',
      '127.0.0.1:0',
      '--storage-path',
      join(opts.workDir, 'artifacts'),
      '--log-level',
      'info',
      ...(opts.concurrency === undefined ? [] : ['--concurrency', String(opts.concurrency)]),
      ...(opts.extraArgs ?? []),
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const onAbort = (): void => void child.kill('SIGTERM');
  opts.signal.addEventListener('abort', onAbort, { once: true });
  void exited.then(() => opts.signal.removeEventListener('abort', onAbort));
  child.stderr.pipe(out);
  let pending = '';
  let url: string | undefined;
  const started = new Promise<string>((done, fail) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out.write(chunk);
      if (url) return;
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes('"operator started"')) continue;
        const parsed = JSON.parse(line) as StartedLine;
        if (parsed.http) {
          url = `http://${parsed.http}`;
          done(url);
        }
      }
    });
    void exited.then(() =>
      fail(new Error(`the operator exited before it started; see ${logPath}`)),
    );
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, sleep(STOP_TIMEOUT_MS)]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    out.end();
  };
  try {
    await Promise.race([
      started,
      sleep(START_TIMEOUT_MS).then(() => {
        throw new Error(`the operator did not start within ${START_TIMEOUT_MS} ms; see ${logPath}`);
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  const pid = child.pid;
  if (pid === undefined || url === undefined) throw new Error('the operator has no pid');
  const base = url;
  return {
    pid,
    url: base,
    logPath,
    async metrics() {
      const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`GET ${base}/metrics: HTTP ${res.status}`);
      return parseMetrics(await res.text());
    },
    cpuMs: () => readCpuMs(pid, opts.clockTicks),
    memory: () => readMemory(pid),
    heapSnapshot: () => takeHeapSnapshot(child, opts.heapSnapshotDir),
    stop,
  };
}

const SNAPSHOT_TIMEOUT_MS = 120_000;

/** SIGUSR2 (`--heapsnapshot-signal`), then waits (bounded) until a new snapshot is complete. */
async function takeHeapSnapshot(
  child: { kill(signal: NodeJS.Signals): boolean },
  dir: string | undefined,
): Promise<string | undefined> {
  if (!dir) return undefined;
  const snapshots = async (): Promise<string[]> =>
    (await readdir(dir)).filter((f) => f.endsWith('.heapsnapshot'));
  const before = new Set(await snapshots());
  child.kill('SIGUSR2');
  const deadline = performance.now() + SNAPSHOT_TIMEOUT_MS;
  let last = -1;
  while (performance.now() < deadline) {
    await sleep(1_000);
    const fresh = (await snapshots()).find((f) => !before.has(f));
    if (!fresh) continue;
    // Written in one go; complete once its size stops changing.
    const { size } = await stat(join(dir, fresh));
    if (size > 0 && size === last) return join(dir, fresh);
    last = size;
  }
  return undefined;
}

/** The V8 side of the operator's memory (from its process metrics), to set against RSS. */
export async function readHeap(
  operator: BenchOperator,
): Promise<{ heapUsedMiB: number; heapTotalMiB: number; externalMiB: number }> {
  const samples = await operator.metrics();
  const mib = (name: string): number => Math.round((sumOf(samples, name) / 2 ** 20) * 10) / 10;
  return {
    heapUsedMiB: mib('nodejs_heap_size_used_bytes'),
    heapTotalMiB: mib('nodejs_heap_size_total_bytes'),
    externalMiB: mib('nodejs_external_memory_bytes'),
  };
}
