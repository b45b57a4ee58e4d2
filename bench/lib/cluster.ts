// The API server the benchmarks run against: one they start themselves (a local control plane in
// a temp state dir, stopped at the end), or an existing one named by --kubeconfig.
import { join } from 'node:path';
import { startControlPlane, stopControlPlane } from '../../test/cluster/control-plane.ts';

export type BenchCluster = {
  readonly kubeconfig: string;
  /** kubectl next to the control plane's binaries, when known. */
  readonly kubectl?: string;
  /** 'started' (by this run) or 'given' (--kubeconfig). */
  readonly origin: 'started' | 'given';
  stop(): Promise<void>;
};

export async function openCluster(opts: {
  kubeconfig?: string;
  workDir: string;
  signal: AbortSignal;
  log: (line: string) => void;
}): Promise<BenchCluster> {
  if (opts.kubeconfig) {
    const binDir = process.env.MOOR_TEST_BIN_DIR;
    return {
      kubeconfig: opts.kubeconfig,
      ...(binDir ? { kubectl: join(binDir, 'kubectl') } : {}),
      origin: 'given',
      stop: () => Promise.resolve(),
    };
  }
  const stateDir = join(opts.workDir, 'cluster');
  const started = performance.now();
  try {
    const plane = await startControlPlane({
      stateDir,
      signal: opts.signal,
      log: (line) => opts.log(`[cluster] ${line}`),
    });
    opts.log(`[cluster] up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return {
      kubeconfig: plane.kubeconfig,
      kubectl: join(plane.binDir, 'kubectl'),
      origin: 'started',
      stop: () => stopControlPlane(stateDir),
    };
  } catch (error) {
    await stopControlPlane(stateDir);
    throw error;
  }
}
