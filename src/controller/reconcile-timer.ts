/** Times each reconcile into the reconcile metric, by kind and result. */
import type { Metrics } from '../server/index.ts';

export type TimedRun = (kind: string, run: () => Promise<unknown>) => Promise<void>;

export function timeReconciles(metrics: Pick<Metrics, 'observeReconcile'>): TimedRun {
  return async (kind, run) => {
    const started = performance.now();
    let result = 'success';
    try {
      const r = await run();
      if (r === 'failure' || r === 'abandoned') result = r;
    } catch (error) {
      result = 'error';
      throw error;
    } finally {
      metrics.observeReconcile({
        kind,
        result,
        durationSeconds: (performance.now() - started) / 1000,
      });
    }
  };
}
