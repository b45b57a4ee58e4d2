// Moor resources as the benchmarks create them, and small waits on the operator.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../../src/core/index.ts';
import { gitRepository, sync } from '../../test/helpers/operator.ts';
import type { BenchContext } from './context.ts';
import type { BenchOperator } from './operator.ts';
import { sumOf } from './prometheus.ts';

export const BENCH_MANAGER = 'moor-bench';
export const MOOR_API = 'moor.dev/v1alpha1';

export async function applyAs(ctx: BenchContext, obj: KubeObject): Promise<KubeObject> {
  const res = await ctx.kube.apply(
    obj,
    { fieldManager: BENCH_MANAGER, force: true },
    AbortSignal.any([ctx.signal, AbortSignal.timeout(30_000)]),
  );
  if (!res.ok) throw res.error;
  return res.value;
}

export function sourceObject(
  namespace: string,
  name: string,
  url: string,
  interval: string,
): KubeObject {
  return gitRepository(namespace, name, { url, ref: { branch: 'main' }, interval });
}

export function syncObject(
  namespace: string,
  name: string,
  spec: { source: string; path: string; interval: string; targetNamespace?: string },
): KubeObject {
  return sync(namespace, name, {
    sourceRef: { kind: 'GitRepository', name: spec.source },
    path: spec.path,
    targetNamespace: spec.targetNamespace ?? namespace,
    prune: true,
    interval: spec.interval,
    drift: { mode: 'Correct' },
  });
}

/** Reconciles finished so far, by kind (`Sync`, `GitRepository`). */
export async function reconcileCount(operator: BenchOperator, kind: string): Promise<number> {
  return sumOf(await operator.metrics(), 'moor_reconcile_total', { kind });
}

/**
 * Waits until the operator has finished no reconcile (of `kind`, default any) for `quietMs`
 * (bounded by `timeoutMs`), so a measurement does not start in the tail of earlier work.
 */
export async function waitQuiet(
  operator: BenchOperator,
  quietMs: number,
  opts: { timeoutMs?: number; kind?: string } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const match = opts.kind === undefined ? {} : { kind: opts.kind };
  const total = async (): Promise<number> =>
    sumOf(await operator.metrics(), 'moor_reconcile_total', match);
  let last = await total();
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(Math.min(250, quietMs));
    const now = await total();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
  }
}
