// Runs the real operator (`bin/moor operator`) as a child process for black-box tests, scoped to
// one namespace, plus small helpers to install the CRDs, create resources and wait for status.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { generateCrds } from '../../src/api/index.ts';
import type { KubeObject } from '../../src/core/index.ts';
import { createKubeClient, type KubeClient } from '../../src/kube/index.ts';
import type { TestContext } from 'node:test';
import { testCluster, testNamespace } from './cluster.ts';
import { createTestRepo, type TestRepo } from './git-server.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const moorBin = join(root, 'bin', 'moor');

export function testKube(): KubeClient {
  return createKubeClient({ kubeconfig: testCluster().kubeconfig });
}

let installed: Promise<void> | undefined;

/** Installs Moor's CRDs once per test process and waits until they are Established. */
export function installCrds(kube: KubeClient = testKube()): Promise<void> {
  installed ??= installCrdsInto(kube);
  return installed;
}

/** Installs Moor's CRDs with `kube` (e.g. on a control plane of the test's own) and waits until they are Established. */
export function installCrdsInto(kube: KubeClient): Promise<void> {
  return (async () => {
    const signal = AbortSignal.timeout(60_000);
    for (const crd of generateCrds()) {
      const res = await kube.apply(crd, { fieldManager: 'moor', force: true }, signal);
      if (!res.ok) throw res.error;
    }
    await waitFor('CRDs Established', async () => {
      for (const crd of generateCrds()) {
        const got = await kube.get(
          { apiVersion: crd.apiVersion, kind: crd.kind, name: crd.metadata.name ?? '' },
          signal,
        );
        const conditions = (
          (got.ok ? got.value?.status : undefined) as
            { conditions?: { type: string; status: string }[] } | undefined
        )?.conditions;
        if (!conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return false;
      }
      return true;
    });
  })();
}

export type RunningOperator = {
  readonly process: ChildProcess;
  /** `http://host:port` of the operator's HTTP server, once it logged it (with httpAddr). */
  httpUrl(): Promise<string>;
  readonly logPath: string;
  logs(): Promise<string>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash. */
  kill(): Promise<void>;
  /**
   * Resolves when the operator logs that it started (its informers synced); rejects, with the
   * log's last lines, when it exits first or does not start within `timeoutMs`.
   */
  started(timeoutMs?: number): Promise<void>;
};

export async function startOperator(opts: {
  namespace: string;
  extraArgs?: string[];
  storagePath?: string;
  allowFileUrls?: boolean;
  /** Serve HTTP (metrics, receivers) on this address; default: no HTTP server. */
  httpAddr?: string;
  clusterName?: string;
  /** Default: the run's control plane. */
  kubeconfig?: string;
  /** Added to the environment it inherits (NODE_OPTIONS, say). */
  env?: Record<string, string>;
}): Promise<RunningOperator> {
  const cluster = testCluster();
  const dir = await mkdtemp(join(tmpdir(), 'moor-operator-'));
  const logPath = join(dir, 'operator.log');
  const out = createWriteStream(logPath);
  const child = spawn(
    moorBin,
    [
      '--kubeconfig',
      opts.kubeconfig ?? cluster.kubeconfig,
      '--namespace',
      opts.namespace,
      'operator',
      ...(opts.allowFileUrls === false ? [] : ['--allow-file-urls']),
      '--http-addr',
      opts.httpAddr ?? '',
      ...(opts.clusterName ? ['--cluster-name', opts.clusterName] : []),
      '--log-level',
      'debug',
      '--storage-path',
      opts.storagePath ?? join(dir, 'artifacts'),
      ...(opts.extraArgs ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } },
  );
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const startLine = startedLine(child, exited);
  const stopWith = async (sig: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await Promise.race([exited, sleep(15_000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return {
    process: child,
    logPath,
    logs: () => readFile(logPath, 'utf8'),
    httpUrl: async () => {
      let address = '';
      await waitFor('the operator to start its HTTP server', async () => {
        const line = (await readFile(logPath, 'utf8'))
          .split('\n')
          .find((l) => l.includes('"operator started"'));
        address = line ? String((JSON.parse(line) as { http?: string }).http ?? '') : '';
        return address !== '';
      });
      return `http://${address}`;
    },
    stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
    started: async (timeoutMs = 120_000) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<string>((done) => {
        timer = setTimeout(() => done(`did not start within ${timeoutMs / 1000} s`), timeoutMs);
      });
      const problem = await Promise.race([startLine, late]).finally(() => clearTimeout(timer));
      if (problem === '') return;
      const tail = (await readFile(logPath, 'utf8').catch(() => '')).split('\n').slice(-6);
      throw new Error(`the operator ${problem}; its log ends:\n${tail.join('\n')}`);
    },
  };
}

/** '' once stdout carries the "operator started" line; what happened instead when it exits. */
function startedLine(child: ChildProcess, exited: Promise<void>): Promise<string> {
  return new Promise<string>((done) => {
    let pending = '';
    const onData = (chunk: Buffer): void => {
      const text = pending + chunk.toString();
      if (text.includes('"operator started"')) {
        child.stdout?.off('data', onData);
        done('');
        return;
      }
      pending = text.slice(text.lastIndexOf('\n') + 1);
    };
    child.stdout?.on('data', onData);
    void exited.then(() =>
      done(`exited (${child.exitCode ?? child.signalCode ?? '?'}) before it started`),
    );
  });
}

/** Polls until `check` returns true; fails with `what` and the last error after the timeout. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let interval = 50;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(interval);
    interval = Math.min(interval * 2, 500);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`);
}

export async function getObject(
  kube: KubeClient,
  apiVersion: string,
  kind: string,
  namespace: string,
  name: string,
): Promise<KubeObject | undefined> {
  const got = await kube.get({ apiVersion, kind, namespace, name }, AbortSignal.timeout(10_000));
  if (!got.ok) throw got.error;
  return got.value;
}

export type Condition = { type: string; status: string; reason: string; message: string };

export function conditionOf(obj: KubeObject | undefined, type: string): Condition | undefined {
  return ((obj?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find(
    (c) => c.type === type,
  );
}

export async function applyObject(kube: KubeClient, obj: KubeObject): Promise<KubeObject> {
  const res = await kube.apply(
    obj,
    { fieldManager: 'moor-test', force: true },
    AbortSignal.timeout(10_000),
  );
  if (!res.ok) throw res.error;
  return res.value;
}

export function gitRepository(
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): KubeObject {
  return {
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'GitRepository',
    metadata: { name, namespace },
    spec: { interval: '1s', ...spec },
  };
}

export function sync(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name, namespace },
    spec: { interval: '1m', ...spec },
  };
}

/** Waits until the Sync is Ready on `revisionSha` (or any revision when omitted) and returns it. */
export async function waitSyncReady(
  kube: KubeClient,
  namespace: string,
  name: string,
  revisionSha?: string,
  timeoutMs = 60_000,
): Promise<KubeObject> {
  let last: KubeObject | undefined;
  await waitFor(
    `Sync ${namespace}/${name} Ready${revisionSha ? ` on ${revisionSha.slice(0, 8)}` : ''}`,
    async () => {
      last = await getObject(kube, 'moor.dev/v1alpha1', 'Sync', namespace, name);
      const ready = conditionOf(last, 'Ready');
      const applied =
        (last?.status as { lastAppliedRevision?: string } | undefined)?.lastAppliedRevision ?? '';
      if (ready?.status !== 'True')
        throw new Error(
          `Ready=${ready?.status ?? '?'} ${ready?.reason ?? ''}: ${ready?.message ?? ''}`,
        );
      return !revisionSha || applied.endsWith(revisionSha);
    },
    timeoutMs,
  );
  if (!last) throw new Error('unreachable');
  return last;
}

/** Manifests for a ConfigMap, as a YAML document. */
export function configMapYaml(
  name: string,
  data: Record<string, string>,
  namespace?: string,
): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${name}`];
  if (namespace) lines.push(`  namespace: ${namespace}`);
  lines.push('data:');
  for (const [k, v] of Object.entries(data)) lines.push(`  ${k}: ${JSON.stringify(v)}`);
  return `${lines.join('\n')}\n`;
}

export type Scenario = { kube: KubeClient; ns: string; repo: TestRepo; operator: RunningOperator };

/**
 * The usual start of an operator test: Moor's CRDs, a namespace of its own, a Git repository with
 * `files`, and an operator watching that namespace; all removed when the test ends.
 */
export async function setUpScenario(
  t: TestContext,
  prefix: string,
  files: Record<string, string>,
  operator: Omit<Parameters<typeof startOperator>[0], 'namespace'> = {},
): Promise<Scenario> {
  const kube = testKube();
  await installCrds(kube);
  const ns = await testNamespace(t, prefix);
  const repo = await createTestRepo({ files });
  t.after(() => repo.close());
  const running = await startOperator({ namespace: ns, ...operator });
  t.after(() => running.stop());
  return { kube, ns, repo, operator: running };
}

export const secretObject = (
  namespace: string,
  name: string,
  data: Record<string, string>,
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace },
  stringData: data,
});

export const getSync = (
  kube: KubeClient,
  namespace: string,
  name: string,
): Promise<KubeObject | undefined> => getObject(kube, 'moor.dev/v1alpha1', 'Sync', namespace, name);
