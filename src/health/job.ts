import type { KubeObject } from '../core/index.ts';
import { conditionsOf, numberAt, specOf, statusOf, stringAt } from './fields.ts';
import type { Health } from './types.ts';
import { current, failed, inProgress } from './types.ts';

/**
 * Job: Current once `Complete=True` (or suspended), Failed on `Failed=True`, InProgress while it
 * runs. Unlike kstatus, a running Job is not Current: waiting for a Sync waits for its Jobs.
 */
export function assessJob(obj: KubeObject): Health {
  const spec = specOf(obj);
  const status = statusOf(obj);
  const parallelism = numberAt(spec, 'parallelism', 1);
  const completions = numberAt(spec, 'completions', parallelism);
  const succeeded = numberAt(status, 'succeeded', 0);
  const active = numberAt(status, 'active', 0);
  const failures = numberAt(status, 'failed', 0);
  for (const c of conditionsOf(obj)) {
    if (c.status !== 'True') continue;
    if (c.type === 'Complete')
      return current(`completed: ${succeeded} of ${completions} succeeded`);
    if (c.type === 'Failed') {
      const why = [c.reason, c.message].filter(Boolean).join(': ');
      return failed(
        `failed${why ? ` (${why})` : ''}: ${failures} failed, ${succeeded} of ${completions} succeeded`,
      );
    }
    if (c.type === 'Suspended') return current('suspended');
  }
  if (stringAt(status, 'startTime', '') === '') return inProgress('not started');
  return inProgress(
    `running: ${active} active, ${succeeded} of ${completions} succeeded, ${failures} failed`,
  );
}
