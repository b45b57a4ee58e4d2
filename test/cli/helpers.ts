// Running `bin/moor` as a child process against the test control plane, and small builders.
import { execFile, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../../src/core/index.ts';
import type { KubeClient, ObjectRef } from '../../src/kube/index.ts';
import { testCluster } from '../helpers/cluster.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const moorBin = join(root, 'bin', 'moor');
export const GV = 'moor.dev/v1alpha1';

export type Run = { readonly code: number; readonly stdout: string; readonly stderr: string };

/** Runs `bin/moor --kubeconfig <test cluster> args…`; never through a shell, always bounded. */
export function moor(args: readonly string[], timeoutMs = 60_000): Promise<Run> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', LC_ALL: 'C' };
  const argv = ['--kubeconfig', testCluster().kubeconfig, ...args];
  return new Promise((done) => {
    execFile(moorBin, argv, { env, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** `bin/moor args…` left running (e.g. `--watch`): what it printed so far, and a Ctrl-C. */
export function moorRunning(args: readonly string[]): {
  readonly stdout: () => string;
  readonly interrupt: () => Promise<Run>;
} {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', LC_ALL: 'C' };
  const argv = ['--kubeconfig', testCluster().kubeconfig, ...args];
  const child = spawn(moorBin, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number>((done) => child.on('exit', (code) => done(code ?? -1)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return {
    stdout: () => stdout,
    interrupt: async () => {
      child.kill('SIGINT');
      const code = await exited;
      clearTimeout(killer);
      return { code, stdout, stderr };
    },
  };
}

export function must<T>(res: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!res.ok) throw res.error;
  return res.value;
}

/** A signal for one API call from a test. */
export const signal = (): AbortSignal => AbortSignal.timeout(30_000);

export async function getObject(kube: KubeClient, ref: ObjectRef): Promise<KubeObject | undefined> {
  return must(await kube.get(ref, signal()));
}

export const ref = (kind: string, namespace: string, name: string): ObjectRef => ({
  apiVersion: GV,
  kind,
  namespace,
  name,
});

/** A condition as the operator writes it, stamped now. */
export const condition = (type: string, status: string, reason: string, message: string) => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  observedGeneration: 1,
});
