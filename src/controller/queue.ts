/**
 * A keyed work queue: a key is queued at most once, never processed by two workers at the same
 * time, and re-processed once more if it was added again while being processed. Delayed adds
 * (requeue after an interval or a backoff) keep only the earliest deadline per key.
 *
 * The queue never starves the event loop: a worker hands off to the event loop (timers, I/O,
 * signals) after every item, and a delayed add waits at least `minDelayMs`, so a reconcile that
 * requeues itself with no delay runs a few times a second, not in a synchronous loop.
 */
import { systemClock, type Clock } from '../core/index.ts';

export type QueueHandler = (key: string, signal: AbortSignal) => Promise<void>;

export type WorkQueue = {
  add(key: string): void;
  addAfter(key: string, delayMs: number): void;
  /** The key's object is gone: its delayed add (an interval, a backoff) is cancelled. */
  forget(key: string): void;
  /** Keys queued or in progress. */
  readonly size: number;
  /** Keys with a delayed add pending. */
  readonly delayed: number;
  /** Resolves when every worker has stopped (after the signal aborts). */
  readonly done: Promise<void>;
};

/** The clock's monotonic time and the timers a queue uses; injected so tests can drive them. */
export type QueueTimers = Pick<Clock, 'monotonic'> & {
  /** Runs `run` after `delayMs`, without keeping the process alive; returns a cancel function. */
  schedule(run: () => void, delayMs: number): () => void;
  /** Resolves once the event loop has had a turn (pending I/O, timers and signals ran). */
  handOff(): Promise<void>;
};

/** The shortest delay of `addAfter`: a requeue sooner than this is a requeue after this. */
export const MIN_REQUEUE_DELAY_MS = 100;

export const systemQueueTimers: QueueTimers = {
  monotonic: () => systemClock.monotonic(),
  schedule(run, delayMs) {
    const timer = setTimeout(run, delayMs);
    timer.unref();
    return () => clearTimeout(timer);
  },
  handOff: () => new Promise<void>((resolve) => setImmediate(resolve)),
};

export type QueueOptions = {
  readonly concurrency: number;
  readonly handler: QueueHandler;
  readonly signal: AbortSignal;
  readonly onError?: (key: string, error: unknown) => void;
  /** Default: the real clock and timers. */
  readonly timers?: QueueTimers;
  /** Default: MIN_REQUEUE_DELAY_MS. */
  readonly minDelayMs?: number;
};

/** What `add`, the workers and the abort share. */
type QueueState = {
  readonly opts: QueueOptions;
  readonly clock: QueueTimers;
  readonly pending: string[];
  readonly queued: Set<string>;
  readonly active: Set<string>;
  readonly dirty: Set<string>;
  readonly timers: Map<string, { at: number; cancel: () => void }>;
  readonly waiters: (() => void)[];
};

export function createWorkQueue(opts: QueueOptions): WorkQueue {
  const clock = opts.timers ?? systemQueueTimers;
  const minDelayMs = opts.minDelayMs ?? MIN_REQUEUE_DELAY_MS;
  const q: QueueState = {
    opts,
    clock,
    pending: [],
    queued: new Set<string>(),
    active: new Set<string>(),
    dirty: new Set<string>(),
    timers: new Map<string, { at: number; cancel: () => void }>(),
    waiters: [],
  };
  const { queued, active, timers } = q;
  const add = (key: string): void => addKey(q, key);

  const addAfter = (key: string, delayMs: number): void => {
    if (opts.signal.aborted) return;
    // NaN, negative and zero delays included: never sooner than the minimum.
    const delay = delayMs >= minDelayMs ? delayMs : minDelayMs;
    const at = clock.monotonic() + delay;
    const existing = timers.get(key);
    if (existing && existing.at <= at) return;
    existing?.cancel();
    const cancel = clock.schedule(() => {
      timers.delete(key);
      add(key);
    }, delay);
    timers.set(key, { at, cancel });
  };

  const forget = (key: string): void => {
    timers.get(key)?.cancel();
    timers.delete(key);
  };

  opts.signal.addEventListener(
    'abort',
    () => {
      for (const { cancel } of timers.values()) cancel();
      timers.clear();
      // Wake every waiting worker so it sees the abort.
      for (const w of q.waiters.splice(0)) w();
    },
    { once: true },
  );

  const workers = Array.from({ length: Math.max(1, opts.concurrency) }, () => worker(q));
  const done = Promise.all(workers).then(() => undefined);

  return {
    add,
    addAfter,
    forget,
    get size() {
      return queued.size + active.size;
    },
    get delayed() {
      return timers.size;
    },
    done,
  };
}

function notify(q: QueueState): void {
  q.waiters.shift()?.();
}

function addKey(q: QueueState, key: string): void {
  if (q.opts.signal.aborted) return;
  if (q.active.has(key)) {
    q.dirty.add(key);
    return;
  }
  if (q.queued.has(key)) return;
  q.queued.add(key);
  q.pending.push(key);
  notify(q);
}

async function next(q: QueueState): Promise<string | undefined> {
  for (;;) {
    if (q.opts.signal.aborted) return undefined;
    // Take the first key not being processed by another worker.
    const index = q.pending.findIndex((k) => !q.active.has(k));
    if (index >= 0) {
      const [key] = q.pending.splice(index, 1);
      if (key !== undefined) {
        q.queued.delete(key);
        return key;
      }
    }
    await new Promise<void>((resolve) => q.waiters.push(resolve));
  }
}

async function worker(q: QueueState): Promise<void> {
  const { opts } = q;
  for (;;) {
    const key = await next(q);
    if (key === undefined) return;
    q.active.add(key);
    try {
      await opts.handler(key, opts.signal);
    } catch (error) {
      opts.onError?.(key, error);
    } finally {
      q.active.delete(key);
      if (q.dirty.delete(key)) addKey(q, key);
      notify(q);
    }
    // A handler that settles without I/O must not chain the next item in the same turn.
    await q.clock.handOff();
  }
}
