/**
 * Which Kubernetes Event writes to make, in the manner of client-go's event correlator (pure: the
 * time is passed in). A repeat of the same event (same object, type, reason and message) raises
 * the count and lastTimestamp of the Event already written instead of creating another, at most
 * once per `updateMs`; and each object may have at most `burst` new Events at once, then one per
 * `refillMs` (a token bucket). So one object stuck in a loop cannot flood the API server, nor
 * crowd out the Events of other objects. Occurrences not written are still counted: the next
 * write of that event carries the total.
 */

export type EventLimits = {
  /** New Events an object may have at once. */
  readonly burst: number;
  /** After the burst: one more new Event per this many milliseconds. */
  readonly refillMs: number;
  /** The shortest time between two count updates of one Event. */
  readonly updateMs: number;
  /** Events and objects remembered (least recently seen forgotten first). */
  readonly maxTracked: number;
};

/** client-go's burst of 25 per object, refilled faster (its 1 per 5 min would hide a busy Sync's applies). */
export const DEFAULT_EVENT_LIMITS: EventLimits = {
  burst: 25,
  refillMs: 10_000,
  updateMs: 10_000,
  maxTracked: 4096,
};

/** The Event to write: a new one, or the count and last time of the one of that name. */
export type EventWrite = {
  readonly kind: 'create' | 'update';
  readonly name: string;
  readonly count: number;
  readonly firstMs: number;
};

export type EventCorrelator = {
  /**
   * One occurrence of the event `eventKey` about the object `objectKey` at `nowMs`: what to
   * write, or undefined when the limits defer it. `nameOf` names a new Event.
   */
  observe(
    objectKey: string,
    eventKey: string,
    nowMs: number,
    nameOf: () => string,
  ): EventWrite | undefined;
  /** The objects whose key `matches` are gone: their series and rate buckets are forgotten. */
  forget(matches: (objectKey: string) => boolean): void;
  /** Series and objects remembered now. */
  size(): { readonly series: number; readonly objects: number };
};

type Series = {
  objectKey: string;
  name: string | undefined;
  count: number;
  firstMs: number;
  writtenMs: number;
};
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
      const current: Series = seen
        ? { ...seen, count: seen.count + 1 }
        : { objectKey, name: undefined, count: 1, firstMs: nowMs, writtenMs: nowMs };
      touch(series, eventKey, current, limits.maxTracked);
      const { count, firstMs } = current;
      if (current.name !== undefined) {
        if (nowMs - current.writtenMs < limits.updateMs) return undefined;
        current.writtenMs = nowMs;
        return { kind: 'update', name: current.name, count, firstMs };
      }
      if (!take(objectKey, nowMs)) return undefined;
      current.name = nameOf();
      current.writtenMs = nowMs;
      return { kind: 'create', name: current.name, count, firstMs };
    },
    forget(matches) {
      for (const [key, s] of series) if (matches(s.objectKey)) series.delete(key);
      for (const key of buckets.keys()) if (matches(key)) buckets.delete(key);
    },
    size: () => ({ series: series.size, objects: buckets.size }),
  };
}
