/**
 * One health assessment of a set of objects by kstatus rules: what is failed and what is still
 * progressing. It never waits; the caller decides when to look again and when time is up.
 */
import pLimit from 'p-limit';
import type { Clock, KubeObject } from '../core/index.ts';
import { assessHealth, HealthStatus, type Health } from '../health/index.ts';
import type { KubeClient } from '../kube/index.ts';
import { refOf } from './wait.ts';

export type HealthReport = {
  /** How many objects were assessed. */
  readonly total: number;
  readonly failed: Health[];
  /** In progress, or not assessable yet (not found, unreadable). */
  readonly progressing: Health[];
};

export async function assessObjects(
  kube: KubeClient,
  objects: readonly KubeObject[],
  opts: {
    readonly signal: AbortSignal;
    /** The time health is assessed at (how long a rollout has been progressing). */
    readonly clock: Pick<Clock, 'now'>;
    readonly concurrency: number;
    /** A live version known to be current (the apply's result, a fresh cache entry); else a GET. */
    readonly live?: ((obj: KubeObject) => KubeObject | undefined) | undefined;
    /** The health of an object that is not found, when that is expected (undefined: waits for it). */
    readonly gone?: ((obj: KubeObject) => Health | undefined) | undefined;
  },
): Promise<HealthReport> {
  const limit = pLimit(opts.concurrency);
  const assessed = await Promise.all(
    objects.map((obj) =>
      limit(async (): Promise<Health> => {
        const known = opts.live?.(obj);
        const got = known
          ? { ok: true as const, value: known }
          : await kube.get(refOf(obj), opts.signal);
        if (!got.ok) return { status: HealthStatus.unknown, message: got.error.message };
        if (!got.value)
          return (
            opts.gone?.(obj) ?? {
              status: HealthStatus.inProgress,
              message: `${refOf(obj).kind}/${obj.metadata.name ?? ''}: not found`,
            }
          );
        return assessHealth(got.value, { now: opts.clock.now() });
      }),
    ),
  );
  return {
    total: objects.length,
    failed: assessed.filter((h) => h.status === HealthStatus.failed),
    progressing: assessed.filter(
      (h) => h.status !== HealthStatus.current && h.status !== HealthStatus.failed,
    ),
  };
}
