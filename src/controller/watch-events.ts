/** What the operator's informers make of a watch event: keys, and whether it asks for a reconcile. */
import { Annotations, type KubeObject } from '../core/index.ts';
import type { ChangeType } from './informer.ts';

/** Whether a watch event asks for a reconcile: spec (generation) or a reconcile request changed. */
export function needsReconcile(
  type: ChangeType,
  obj: KubeObject,
  old: KubeObject | undefined,
): boolean {
  if (type !== 'modified' || !old) return true;
  if (obj.metadata.generation !== old.metadata.generation) return true;
  const key = Annotations.reconcileRequestedAt;
  return obj.metadata.annotations?.[key] !== old.metadata.annotations?.[key];
}

/** Whether a Sync's change may change what its dependents wait for (readiness or spec). */
export function wakesDependents(
  type: ChangeType,
  obj: KubeObject,
  old: KubeObject | undefined,
): boolean {
  return (
    type === 'deleted' ||
    readyOf(obj) !== readyOf(old) ||
    obj.metadata.generation !== old?.metadata.generation
  );
}

const readyOf = (obj: KubeObject | undefined): string =>
  JSON.stringify(
    (
      (obj?.status as { conditions?: { type: string; status: string }[] } | undefined)
        ?.conditions ?? []
    ).find((c) => c.type === 'Ready')?.status,
  );
