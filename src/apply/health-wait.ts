/**
 * Waits, bounded by a timeout, until every applied object is healthy by kstatus rules; reports
 * what is still progressing or failed.
 */
import pLimit from 'p-limit';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../core/index.ts';
import { assessHealth, HealthStatus, type Health } from '../health/index.ts';
import type { KubeClient } from '../kube/index.ts';
import { refOf } from './wait.ts';

export type HealthReport = {
  readonly healthy: boolean;
  /** True when the deadline passed with objects still in progress. */
  readonly timedOut: boolean;
  readonly failed: Health[];
  readonly progressing: Health[];
};

export async function waitForHealth(
  kube: KubeClient,
  objects: readonly KubeObject[],
  opts: {
    readonly timeoutMs: number;
    readonly signal: AbortSignal;
    readonly now: () => number;
    readonly concurrency: number;
    /** Cached live objects: the first assessment reads them instead of the API server. */
    readonly live?: ((obj: KubeObject) => KubeObject | undefined) | undefined;
    /** The health of an object that is not found, when that is expected (undefined: waits for it). */
    readonly gone?: ((obj: KubeObject) => Health | undefined) | undefined;
  },
): Promise<HealthReport> {
  const limit = pLimit(opts.concurrency);
  const deadline = opts.now() + opts.timeoutMs;
  let pending = [...objects];
  let interval = 100;
  let first = true;
  for (;;) {
    const fromCache = first && opts.live !== undefined;
    first = false;
    const assessed = await Promise.all(
      pending.map((obj) =>
        limit(async () => {
          const cached = fromCache ? opts.live?.(obj) : undefined;
          const got = cached
            ? { ok: true as const, value: cached }
            : await kube.get(refOf(obj), opts.signal);
          if (!got.ok)
            return {
              obj,
              health: { status: HealthStatus.unknown, message: got.error.message },
            };
          if (!got.value)
            return {
              obj,
              health: opts.gone?.(obj) ?? {
                status: HealthStatus.inProgress,
                message: `${refOf(obj).kind}/${obj.metadata.name ?? ''}: not found`,
              },
            };
          return { obj, health: assessHealth(got.value, { now: new Date(opts.now()) }) };
        }),
      ),
    );
    const failed = assessed
      .filter((a) => a.health.status === HealthStatus.failed)
      .map((a) => a.health);
    const open = assessed.filter(
      (a) => a.health.status !== HealthStatus.current && a.health.status !== HealthStatus.failed,
    );
    const progressing = open.map((a) => a.health);
    if (failed.length > 0) return { healthy: false, timedOut: false, failed, progressing };
    if (open.length === 0) return { healthy: true, timedOut: false, failed: [], progressing: [] };
    if (opts.now() >= deadline || opts.signal.aborted)
      return { healthy: false, timedOut: true, failed: [], progressing };
    pending = open.map((a) => a.obj);
    await sleep(Math.min(interval, Math.max(0, deadline - opts.now())), undefined, {
      signal: opts.signal,
    }).catch(() => undefined);
    interval = Math.min(interval * 2, 2000);
  }
}
