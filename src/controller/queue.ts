/**
 * A keyed work queue: a key is queued at most once, never processed by two workers at the same
 * time, and re-processed once more if it was added again while being processed. Delayed adds
 * (requeue after an interval or a backoff) keep only the earliest deadline per key.
 */
export type QueueHandler = (key: string, signal: AbortSignal) => Promise<void>;

export type WorkQueue = {
  add(key: string): void;
  addAfter(key: string, delayMs: number): void;
  /** Keys queued or in progress. */
  readonly size: number;
  /** Resolves when every worker has stopped (after the signal aborts). */
  readonly done: Promise<void>;
};

export type QueueOptions = {
  readonly concurrency: number;
  readonly handler: QueueHandler;
  readonly signal: AbortSignal;
  readonly onError?: (key: string, error: unknown) => void;
};

export function createWorkQueue(opts: QueueOptions): WorkQueue {
  const pending: string[] = [];
  const queued = new Set<string>();
  const active = new Set<string>();
  const dirty = new Set<string>();
  const timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  const waiters: (() => void)[] = [];

  const notify = (): void => {
    waiters.shift()?.();
  };

  const add = (key: string): void => {
    if (opts.signal.aborted) return;
    if (active.has(key)) {
      dirty.add(key);
      return;
    }
    if (queued.has(key)) return;
    queued.add(key);
    pending.push(key);
    notify();
  };

  const addAfter = (key: string, delayMs: number): void => {
    if (opts.signal.aborted) return;
    if (delayMs <= 0) return add(key);
    const at = Date.now() + delayMs;
    const existing = timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      timers.delete(key);
      add(key);
    }, delayMs);
    timer.unref();
    timers.set(key, { at, timer });
  };

  const next = async (): Promise<string | undefined> => {
    for (;;) {
      if (opts.signal.aborted) return undefined;
      // Take the first key not being processed by another worker.
      const index = pending.findIndex((k) => !active.has(k));
      if (index >= 0) {
        const [key] = pending.splice(index, 1);
        if (key !== undefined) {
          queued.delete(key);
          return key;
        }
      }
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };

  const worker = async (): Promise<void> => {
    for (;;) {
      const key = await next();
      if (key === undefined) return;
      active.add(key);
      try {
        await opts.handler(key, opts.signal);
      } catch (error) {
        opts.onError?.(key, error);
      } finally {
        active.delete(key);
        if (dirty.delete(key)) add(key);
        notify();
      }
    }
  };

  opts.signal.addEventListener(
    'abort',
    () => {
      for (const { timer } of timers.values()) clearTimeout(timer);
      timers.clear();
      // Wake every waiting worker so it sees the abort.
      for (const w of waiters.splice(0)) w();
    },
    { once: true },
  );

  const workers = Array.from({ length: Math.max(1, opts.concurrency) }, () => worker());
  const done = Promise.all(workers).then(() => undefined);

  return {
    add,
    addAfter,
    get size() {
      return queued.size + active.size;
    },
    done,
  };
}
