// What every scenario gets: the Kubernetes client, where to put files, how to log, the sizes to
// use, and namespaces that are created fresh and deleted (and waited for) afterwards.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../../src/kube/index.ts';
import { launchOperator, type BenchOperator } from './operator.ts';
import type { Sizes } from './sizes.ts';

/** What a scenario that needs no API server gets. */
export type LocalContext = {
  /** A temp dir for repositories, operator logs and artifacts. */
  readonly workDir: string;
  readonly sizes: Sizes;
  readonly signal: AbortSignal;
  log(line: string): void;
};

export type BenchContext = LocalContext & {
  readonly kube: KubeClient;
  readonly kubeconfig: string;
  /** The control plane's kubectl, for figures compared with it (the operator does not use it). */
  readonly kubectl?: string;
  readonly clockTicks: number;
  readonly cpuProfDir?: string;
  readonly heapSnapshotDir?: string;
  readonly operatorNodeOptions?: string;
};

const NAMESPACE_GONE_TIMEOUT_MS = 180_000;

export async function createNamespace(ctx: BenchContext, prefix: string): Promise<string> {
  const name = `bench-${prefix}-${randomBytes(3).toString('hex')}`;
  const created = await ctx.kube.create(
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'moor.dev/bench': 'true' } },
    },
    AbortSignal.any([ctx.signal, AbortSignal.timeout(30_000)]),
  );
  if (!created.ok) throw created.error;
  return name;
}

/**
 * Deletes the namespaces and waits until they are gone, so that one scenario's objects do not
 * load the API server (or the next operator's cluster-wide caches) during the next one.
 */
export async function deleteNamespaces(ctx: BenchContext, names: readonly string[]): Promise<void> {
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(NAMESPACE_GONE_TIMEOUT_MS)]);
  const ref = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', name });
  // The scenario's operator has stopped: the Syncs' finalizers (moor.dev/finalizer) would hold
  // their namespace for ever. What they applied is in the same namespaces and goes with them.
  await Promise.all(names.map((name) => releaseSyncs(ctx, name, signal)));
  await Promise.all(names.map((name) => ctx.kube.delete(ref(name), {}, signal)));
  const deadline = Date.now() + NAMESPACE_GONE_TIMEOUT_MS;
  for (const name of names) {
    while (Date.now() < deadline) {
      const got = await ctx.kube.get(ref(name), signal);
      if (got.ok && got.value === undefined) break;
      await sleep(500);
    }
  }
  if (Date.now() >= deadline)
    ctx.log(
      `warning: namespaces ${names.join(', ')} not gone after ${NAMESPACE_GONE_TIMEOUT_MS} ms`,
    );
}

/** Drops the finalizers of the Syncs in `namespace`, so that deleting it does not wait for them. */
async function releaseSyncs(ctx: BenchContext, namespace: string, signal: AbortSignal) {
  const listed = await ctx.kube.list('moor.dev/v1alpha1', 'Sync', { namespace }, signal);
  if (!listed.ok) return;
  for (const sync of listed.value.items) {
    if (!sync.metadata.finalizers?.length) continue;
    const name = sync.metadata.name ?? '';
    const syncRef = { apiVersion: 'moor.dev/v1alpha1', kind: 'Sync', namespace, name };
    await ctx.kube.mergePatch(syncRef, { metadata: { finalizers: null } }, signal);
  }
}

/** Starts an operator for `namespace` with the run's settings. */
export function startBenchOperator(
  ctx: BenchContext,
  namespace: string,
  opts: { concurrency?: number; extraArgs?: readonly string[] } = {},
): Promise<BenchOperator> {
  return launchOperator({
    kubeconfig: ctx.kubeconfig,
    namespace,
    workDir: join(ctx.workDir, `operator-${namespace}-${opts.concurrency ?? 'default'}`),
    clockTicks: ctx.clockTicks,
    signal: ctx.signal,
    ...(opts.concurrency === undefined ? {} : { concurrency: opts.concurrency }),
    ...(opts.extraArgs ? { extraArgs: opts.extraArgs } : {}),
    ...(ctx.cpuProfDir ? { cpuProfDir: join(ctx.cpuProfDir, namespace) } : {}),
    ...(ctx.heapSnapshotDir ? { heapSnapshotDir: join(ctx.heapSnapshotDir, namespace) } : {}),
    ...(ctx.operatorNodeOptions ? { nodeOptions: ctx.operatorNodeOptions } : {}),
  });
}

/** Runs `body` with cleanups registered along the way, then runs them in reverse order. */
export async function withCleanup<T>(
  body: (defer: (fn: () => Promise<void>) => void) => Promise<T>,
): Promise<T> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    return await body((fn) => cleanups.push(fn));
  } finally {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  }
}
