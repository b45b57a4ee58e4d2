/**
 * Which Kubernetes Event writes to make, as client-go's event correlator decides them (pure: the
 * time is passed in). A repeat of the same event (same object, type, reason and message) updates
 * the existing Event's count and lastTimestamp instead of creating another; and each object may
 * cause at most `burst` writes at once, then one per `refillMs` (a token bucket), so one object
 * stuck in a loop cannot flood the API server. Repeats refused by the limit are still counted:
 * the next write of that event carries the total.
 */

export type EventLimits = {
  /** Writes an object may cause at once. */
  readonly burst: number;
  /** After the burst: one more write per this many milliseconds. */
  readonly refillMs: number;
  /** Events and objects remembered (least recently seen forgotten first). */
  readonly maxTracked: number;
};

/** client-go's burst of 25 per object, refilled faster (its 1 per 5 min would hide a busy Sync's applies). */
export const DEFAULT_EVENT_LIMITS: EventLimits = { burst: 25, refillMs: 10_000, maxTracked: 4096 };

/** The Event to write: a new one, or the count and last time of the one of that name. */
export type EventWrite =
  | {
      readonly kind: 'create';
      readonly name: string;
      readonly count: number;
      readonly firstMs: number;
    }
  | {
      readonly kind: 'update';
      readonly name: string;
      readonly count: number;
      readonly firstMs: number;
    };

export type EventCorrelator = {
  /**
   * One occurrence of the event `eventKey` about the object `objectKey` at `nowMs`: what to
   * write, or undefined when the object's limit refuses a write now. `nameOf` names a new Event.
   */
  observe(
    objectKey: string,
    eventKey: string,
    nowMs: number,
    nameOf: () => string,
  ): EventWrite | undefined;
};

type Series = { name: string | undefined; count: number; firstMs: number };
type Bucket = { tokens: number; atMs: number };

/** A Map that forgets its least recently used entries beyond `max`. */
function touch<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
}

export function createEventCorrelator(limits: EventLimits = DEFAULT_EVENT_LIMITS): EventCorrelator {
  const series = new Map<string, Series>();
  const buckets = new Map<string, Bucket>();

  const take = (objectKey: string, nowMs: number): boolean => {
    const bucket = buckets.get(objectKey) ?? { tokens: limits.burst, atMs: nowMs };
    const elapsed = Math.max(0, nowMs - bucket.atMs);
    bucket.tokens = Math.min(limits.burst, bucket.tokens + elapsed / limits.refillMs);
    bucket.atMs = nowMs;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    touch(buckets, objectKey, bucket, limits.maxTracked);
    return allowed;
  };

  return {
    observe(objectKey, eventKey, nowMs, nameOf) {
      const seen = series.get(eventKey);
      const current = seen
        ? { ...seen, count: seen.count + 1 }
        : { name: undefined, count: 1, firstMs: nowMs };
      touch(series, eventKey, current, limits.maxTracked);
      if (!take(objectKey, nowMs)) return undefined;
      if (current.name !== undefined) {
        return {
          kind: 'update',
          name: current.name,
          count: current.count,
          firstMs: current.firstMs,
        };
      }
      current.name = nameOf();
      return { kind: 'create', name: current.name, count: current.count, firstMs: current.firstMs };
    },
  };
}
