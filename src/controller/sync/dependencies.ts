/** `spec.dependsOn`: a Sync waits until every named Sync is Ready on its current generation. */
import type { Sync } from '../../api/index.ts';
import {
  ConditionTypes,
  isConditionCurrent,
  getCondition,
  type Condition,
  type KubeObject,
} from '../../core/index.ts';

export function unreadyDependencies(
  sync: Sync,
  lookup: (namespace: string, name: string) => KubeObject | undefined,
): string[] {
  const waiting: string[] = [];
  for (const dep of sync.spec.dependsOn ?? []) {
    const namespace = dep.namespace ?? sync.metadata.namespace ?? '';
    const other = lookup(namespace, dep.name);
    const conditions = (other?.status as { conditions?: Condition[] } | undefined)?.conditions;
    const ready = getCondition(conditions, ConditionTypes.Ready);
    const ok = ready?.status === 'True' && isConditionCurrent(ready, other?.metadata.generation);
    if (!ok) waiting.push(`${namespace}/${dep.name}${other ? '' : ' (not found)'}`);
  }
  return waiting;
}
