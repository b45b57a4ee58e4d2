/** Times each reconcile into the reconcile metric, by kind and result. */
import type { Clock } from '../core/index.ts';
import type { Metrics } from '../server/index.ts';

export type TimedRun = (kind: string, run: () => Promise<unknown>) => Promise<void>;

export function timeReconciles(
  metrics: Pick<Metrics, 'observeReconcile'>,
  clock: Pick<Clock, 'monotonic'>,
): TimedRun {
  return async (kind, run) => {
    const started = clock.monotonic();
    let result = 'success';
    try {
      const r = await run();
      if (r === 'failure' || r === 'abandoned' || r === 'deferred') result = r;
    } catch (error) {
      result = 'error';
      throw error;
    } finally {
      metrics.observeReconcile({
        kind,
        result,
        durationSeconds: (clock.monotonic() - started) / 1000,
      });
    }
  };
}
