/**
 * Another operator writing the same Syncs without leader election (ADR 0018): every Sync status
 * write carries the writer's operator id, so a status change written by another id is seen on the
 * watch. The operator that sees it leaves that Sync alone for a while instead of writing back.
 */
import { jsonEqual, type Clock, type KubeObject } from '../core/index.ts';

/** The status member naming the operator process that wrote the status last. */
export const WRITER_FIELD = 'operator';

/** A status without the writer's id: what compares two statuses for change. */
export function withoutWriter(status: Record<string, unknown>): Record<string, unknown> {
  const { [WRITER_FIELD]: _writer, ...rest } = status;
  return rest;
}

/**
 * The id of the other operator when `obj` is a status write by another operator than `self`:
 * the status changed from `old` and names a writer that is not `self`. Undefined otherwise (a
 * change of spec or metadata only, a status written by `self`, or by a Moor that names no writer).
 */
export function otherWriterOf(
  old: KubeObject | undefined,
  obj: KubeObject,
  self: string,
): string | undefined {
  if (!old) return undefined;
  const writer = (obj.status as Record<string, unknown> | undefined)?.[WRITER_FIELD];
  if (typeof writer !== 'string' || writer === '' || writer === self) return undefined;
  if (jsonEqual(old.status ?? {}, obj.status ?? {})) return undefined;
  return writer;
}

export type OtherOperators = {
  /** This operator's id, written into every Sync status it writes. */
  readonly self: string;
  /** Records a status write by `other` on the Sync `key`; true when it starts a yield. */
  saw(key: string, other: string): boolean;
  /** While yielding the Sync `key`: the other operator and the milliseconds left. */
  yielding(key: string): { other: string; remainingMs: number } | undefined;
  forget(key: string): void;
};

/** Yields a Sync for `yieldMs` after each status write of another operator seen on it. */
export function trackOtherOperators(
  self: string,
  yieldMs: number,
  clock: Pick<Clock, 'now'>,
): OtherOperators {
  const seen = new Map<string, { other: string; at: number }>();
  const yielding = (key: string) => {
    const s = seen.get(key);
    if (!s) return undefined;
    const remainingMs = s.at + yieldMs - clock.now().getTime();
    if (remainingMs > 0) return { other: s.other, remainingMs };
    seen.delete(key);
    return undefined;
  };
  return {
    self,
    saw: (key, other) => {
      const starts = yieldMs > 0 && yielding(key) === undefined;
      if (yieldMs > 0) seen.set(key, { other, at: clock.now().getTime() });
      return starts;
    },
    yielding,
    forget: (key) => seen.delete(key),
  };
}
