import { isRecord, type KubeObject } from '../core/index.ts';

/** A status condition as Kubernetes writes them. */
export type Condition = {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
};

/** `.status` as a record; `{}` when absent. */
export function statusOf(obj: KubeObject): Record<string, unknown> {
  return isRecord(obj.status) ? obj.status : {};
}

export function specOf(obj: KubeObject): Record<string, unknown> {
  return isRecord(obj.spec) ? obj.spec : {};
}

/** Reads a number at a dotted path under `root`; `fallback` when absent or not a number. */
export function numberAt(root: Record<string, unknown>, path: string, fallback: number): number {
  const value = valueAt(root, path);
  return typeof value === 'number' ? value : fallback;
}

/** Reads a string at a dotted path under `root`; `fallback` when absent or not a string. */
export function stringAt(root: Record<string, unknown>, path: string, fallback: string): string {
  const value = valueAt(root, path);
  return typeof value === 'string' ? value : fallback;
}

export function valueAt(root: Record<string, unknown>, path: string): unknown {
  let current: unknown = root;
  for (const key of path.split('.')) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** `.status.conditions`, leaving out entries that are not conditions. */
export function conditionsOf(obj: KubeObject): Condition[] {
  const raw = statusOf(obj).conditions;
  if (!Array.isArray(raw)) return [];
  return raw.filter(isRecord).map((c) => ({
    type: typeof c.type === 'string' ? c.type : '',
    status: typeof c.status === 'string' ? c.status : '',
    reason: typeof c.reason === 'string' ? c.reason : '',
    message: typeof c.message === 'string' ? c.message : '',
  }));
}

export function findCondition(obj: KubeObject, type: string): Condition | undefined {
  return conditionsOf(obj).find((c) => c.type === type);
}

/** `reason: message`, or whichever of the two is set. */
export function explain(condition: Condition): string {
  return [condition.reason, condition.message].filter((s) => s !== '').join(': ');
}

/** `1 replica` / `3 replicas`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
