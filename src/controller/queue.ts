/**
 * A keyed work queue: a key is queued at most once, never processed by two workers at the same
 * time, and re-processed once more if it was added again while being processed. Delayed adds
 * (requeue after an interval or a backoff) keep only the earliest deadline per key.
 *
 * Two lanes: a key added to the skip lane (a reconcile expected to be one cheap write) may also be
 * taken by `skipConcurrency` workers of its own, beyond `concurrency`. Skip-lane keys yield to
 * the main lane: none is taken while a main-lane key waits or runs (so a burst of skips does not
 * slow the work that renders and applies), unless the main lane has been busy for
 * SKIP_YIELD_MS, after which the main workers with no main-lane key to take serve them again.
 * A key is in one lane at a time: added to the main lane while waiting in the skip lane, it
 * moves over.
 *
 * The queue never starves the event loop: a worker hands off to the event loop (timers, I/O,
 * signals) after every item, and a delayed add waits at least `minDelayMs`, so a reconcile that
 * requeues itself with no delay runs a few times a second, not in a synchronous loop.
 */
import { systemClock, type Clock } from '../core/index.ts';

export const Lanes = {
  main: 'main',
  /** Reconciles expected to skip their work (one status write): run beyond `concurrency`. */
  skip: 'skip',
} as const;
export type Lane = (typeof Lanes)[keyof typeof Lanes];

/** `lane`: the lane the key was taken from. */
export type QueueHandler = (key: string, signal: AbortSignal, lane: Lane) => Promise<void>;

export type WorkQueue = {
  /** Default lane: main. */
  add(key: string, lane?: Lane): void;
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

/** How long skip-lane keys wait for a busy main lane at most. */
export const SKIP_YIELD_MS = 1000;

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
  /** Workers that take only skip-lane keys, on top of `concurrency`; default 0. */
  readonly skipConcurrency?: number;
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
  /** Keys waiting, per lane, in the order added. */
  readonly pending: Record<Lane, string[]>;
  /** The lane each waiting key is in. */
  readonly queued: Map<string, Lane>;
  readonly active: Set<string>;
  /** How many of the active keys were taken from the main lane, and since when it is busy. */
  mainActive: number;
  mainBusySince: number;
  /** Cancels the wake-up at the end of the yield, while one is scheduled. */
  yieldEnds: (() => void) | undefined;
  /** Keys added while being processed, with the lane to queue them in once done. */
  readonly dirty: Map<string, Lane>;
  readonly timers: Map<string, { at: number; cancel: () => void }>;
  readonly waiters: (() => void)[];
};

export function createWorkQueue(opts: QueueOptions): WorkQueue {
  const clock = opts.timers ?? systemQueueTimers;
  const minDelayMs = opts.minDelayMs ?? MIN_REQUEUE_DELAY_MS;
  const q: QueueState = {
    opts,
    clock,
    pending: { main: [], skip: [] },
    queued: new Map<string, Lane>(),
    active: new Set<string>(),
    mainActive: 0,
    mainBusySince: 0,
    yieldEnds: undefined,
    dirty: new Map<string, Lane>(),
    timers: new Map<string, { at: number; cancel: () => void }>(),
    waiters: [],
  };
  const { queued, active, timers } = q;
  const add = (key: string, lane: Lane = Lanes.main): void => addKey(q, key, lane);

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
      q.yieldEnds?.();
      // Wake every waiting worker so it sees the abort.
      wakeAll(q);
    },
    { once: true },
  );

  const main = Array.from({ length: Math.max(1, opts.concurrency) }, () => worker(q, false));
  const skip = Array.from({ length: Math.max(0, opts.skipConcurrency ?? 0) }, () =>
    worker(q, true),
  );
  const workers = [...main, ...skip];
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

/**
 * Wakes every idle worker; each looks for a key it may take and waits again if there is none.
 * Workers are few (the two concurrencies), so this costs little and no key waits on a worker of
 * the wrong lane.
 */
function wakeAll(q: QueueState): void {
  for (const w of q.waiters.splice(0)) w();
}

/** The main lane wins: a key wanted there is not left to the skip lane. */
const merged = (a: Lane | undefined, b: Lane): Lane => (a === Lanes.main ? a : b);

function addKey(q: QueueState, key: string, lane: Lane): void {
  if (q.opts.signal.aborted) return;
  if (q.active.has(key)) {
    q.dirty.set(key, merged(q.dirty.get(key), lane));
    return;
  }
  const queued = q.queued.get(key);
  if (queued === Lanes.main || queued === lane) return;
  if (queued === Lanes.skip) {
    const skipped = q.pending.skip;
    skipped.splice(skipped.indexOf(key), 1);
  }
  q.queued.set(key, lane);
  q.pending[lane].push(key);
  wakeAll(q);
}

/**
 * Whether a worker may take a skip-lane key now: the main lane is idle, or (a main worker) it has
 * been busy for the whole yield with no main-lane key waiting. While skip keys wait on a busy main
 * lane, a wake-up is scheduled for the end of the yield.
 */
function mayTakeSkip(q: QueueState, skipOnly: boolean): boolean {
  if (q.pending.main.length === 0 && q.mainActive === 0) return true;
  if (q.pending.skip.length === 0) return false;
  const left = q.mainBusySince + SKIP_YIELD_MS - q.clock.monotonic();
  if (left <= 0) return !skipOnly && q.pending.main.length === 0;
  q.yieldEnds ??= q.clock.schedule(() => {
    q.yieldEnds = undefined;
    wakeAll(q);
  }, left);
  return false;
}

/** Takes the first key of `list` not being processed by another worker. */
function take(q: QueueState, list: string[]): string | undefined {
  const index = list.findIndex((k) => !q.active.has(k));
  if (index < 0) return undefined;
  const [key] = list.splice(index, 1);
  if (key !== undefined) q.queued.delete(key);
  return key;
}

/**
 * Marks a key taken as active at once, in the same turn: another worker resuming before this one
 * must see the main lane busy.
 */
function started(q: QueueState, key: string, lane: Lane): [string, Lane] {
  q.active.add(key);
  if (lane === Lanes.main && q.mainActive++ === 0) q.mainBusySince = q.clock.monotonic();
  return [key, lane];
}

async function next(q: QueueState, skipOnly: boolean): Promise<[string, Lane] | undefined> {
  for (;;) {
    if (q.opts.signal.aborted) return undefined;
    const main = skipOnly ? undefined : take(q, q.pending.main);
    if (main !== undefined) return started(q, main, Lanes.main);
    const skip = mayTakeSkip(q, skipOnly) ? take(q, q.pending.skip) : undefined;
    if (skip !== undefined) return started(q, skip, Lanes.skip);
    await new Promise<void>((resolve) => q.waiters.push(resolve));
  }
}

async function worker(q: QueueState, skipOnly: boolean): Promise<void> {
  const { opts } = q;
  for (;;) {
    const taken = await next(q, skipOnly);
    if (taken === undefined) return;
    const [key, lane] = taken;
    try {
      await opts.handler(key, opts.signal, lane);
    } catch (error) {
      opts.onError?.(key, error);
    } finally {
      q.active.delete(key);
      if (lane === Lanes.main && --q.mainActive === 0) wakeAll(q);
      const again = q.dirty.get(key);
      if (again !== undefined) {
        q.dirty.delete(key);
        addKey(q, key, again);
      }
    }
    // A handler that settles without I/O must not chain the next item in the same turn.
    await q.clock.handOff();
  }
}
