import type { KubeObject } from '../core/index.ts';
import { findCondition, statusOf } from './fields.ts';
import type { AssessContext, Health } from './types.ts';
import { current, failed, HealthStatus, inProgress } from './types.ts';

/** How long a Pod may stay unschedulable before it is Failed (kstatus: 15 s). */
export const SCHEDULE_WINDOW_MS = 15_000;

/**
 * Pod (kstatus rules, except that a Pod whose phase is Failed is Failed): Running and Ready is
 * Current, Succeeded is Current, a crash-looping container is Failed, an unschedulable Pod is
 * Failed once older than the schedule window (only when the context gives the time).
 */
export function assessPod(obj: KubeObject, context: AssessContext): Health {
  const status = statusOf(obj);
  const phase = typeof status.phase === 'string' ? status.phase : '';
  switch (phase) {
    case 'Succeeded':
      return current('completed successfully');
    case 'Failed':
      return failed(`failed${typeof status.reason === 'string' ? `: ${status.reason}` : ''}`);
    case 'Running':
      return assessRunning(obj);
    case 'Pending':
      return assessPending(obj, context);
    case '':
      return inProgress('not yet observed (no phase)');
    default:
      return { status: HealthStatus.unknown, message: `unknown phase ${phase}` };
  }
}

function assessRunning(obj: KubeObject): Health {
  if (findCondition(obj, 'Ready')?.status === 'True') return current('running and ready');
  const waiting = waitingContainers(obj);
  const crashing = waiting.filter((w) => w.reason === 'CrashLoopBackOff').map((w) => w.name);
  if (crashing.length > 0) return failed(`containers in CrashLoopBackOff: ${crashing.join(', ')}`);
  return inProgress(`running but not ready${describeWaiting(waiting)}`);
}

function assessPending(obj: KubeObject, context: AssessContext): Health {
  const scheduled = findCondition(obj, 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    const why = scheduled.message ? `: ${scheduled.message}` : '';
    const created = Date.parse(obj.metadata.creationTimestamp ?? '');
    const age = context.now && !Number.isNaN(created) ? context.now.getTime() - created : 0;
    return age > SCHEDULE_WINDOW_MS
      ? failed(`unschedulable${why}`)
      : inProgress(`not yet scheduled${why}`);
  }
  return inProgress(`pending${describeWaiting(waitingContainers(obj))}`);
}

type Waiting = { name: string; reason: string };

/** Containers (init containers included) in the waiting state, with the reason. */
function waitingContainers(obj: KubeObject): Waiting[] {
  const status = statusOf(obj);
  const lists = [status.initContainerStatuses, status.containerStatuses];
  const found: Waiting[] = [];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const entry of list as unknown[]) {
      const cs = entry as { name?: unknown; state?: { waiting?: { reason?: unknown } } } | null;
      const reason = cs?.state?.waiting?.reason;
      if (typeof cs?.name === 'string' && typeof reason === 'string') {
        found.push({ name: cs.name, reason });
      }
    }
  }
  return found;
}

function describeWaiting(waiting: readonly Waiting[]): string {
  if (waiting.length === 0) return '';
  return `: ${waiting.map((w) => `${w.name} ${w.reason}`).join(', ')}`;
}
