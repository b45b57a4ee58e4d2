/**
 * Gives memory back to the system once a burst of work is over (docs/adr/0021). V8 grows its heap
 * during an apply burst, and an idle operator allocates too little to collect it again: after
 * 10,000 objects were applied, the heap held ~3× what was live and the pages stayed resident.
 * When the work queues have been empty for a while and the process grew since the last reclaim,
 * one last-resort collection runs: every collector, then the freed pages go back to the system.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { systemClock } from '../core/index.ts';

export type ReclaimPolicy = {
  /** How long the queues must have been empty. */
  readonly quietMs: number;
  /** How much the resident set must have grown since the last reclaim (or start). */
  readonly growthBytes: number;
};

export const DEFAULT_RECLAIM_POLICY: ReclaimPolicy = { quietMs: 5_000, growthBytes: 16 * 2 ** 20 };

export type ReclaimState = {
  /** When the queues were last seen busy (start: when watching began). */
  readonly busyAt: number;
  /** Resident bytes right after the last reclaim (start: at start). */
  readonly baselineBytes: number;
};

/** Whether to reclaim now: idle for `quietMs` and grown by `growthBytes` since the baseline. */
export function shouldReclaim(
  policy: ReclaimPolicy,
  state: ReclaimState,
  now: { readonly at: number; readonly busy: boolean; readonly residentBytes: number },
): boolean {
  if (now.busy) return false;
  return (
    now.at - state.busyAt >= policy.quietMs &&
    now.residentBytes - state.baselineBytes >= policy.growthBytes
  );
}

/**
 * How far past what survived the last full collection the old generation may grow before the next
 * one (docs/adr/0038). V8's default factor goes up to 4× when the program allocates fast, which is
 * what an apply burst does: 1,000 Syncs created at once held ~3× their live heap.
 */
export const HEAP_GROWING_PERCENT = 30;

/** Sets V8's old-generation growing factor to `1 + percent/100`; V8 reads it at every full collection. */
export function boundHeapGrowth(percent = HEAP_GROWING_PERCENT): void {
  if (!Number.isSafeInteger(percent) || percent < 1 || percent > 300)
    throw new RangeError(`heap growing percent: ${percent} is not a whole number from 1 to 300`);
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}

type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** V8's `gc()` (made available once when the process did not start with `--expose-gc`). */
export function lastResortCollector(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: unknown }).gc;
  let gc = typeof exposed === 'function' ? exposed : undefined;
  if (!gc) {
    setFlagsFromString('--expose-gc');
    const made: unknown = runInNewContext('gc');
    gc = typeof made === 'function' ? made : undefined;
  }
  const collect = gc as Collect | undefined;
  return collect && (() => collect({ type: 'major', execution: 'sync', flavor: 'last-resort' }));
}

export type HeapReclaimOptions = {
  /** Keys queued or in progress, over every work queue. */
  readonly busy: () => boolean;
  readonly signal: AbortSignal;
  readonly logger: { debug(obj: object, msg: string): void };
  readonly policy?: ReclaimPolicy;
  /** How often to look; default 1 s. */
  readonly checkMs?: number;
  /** Injected for tests: the clock (ms), the resident set size and the collection. */
  readonly now?: () => number;
  readonly residentBytes?: () => number;
  readonly collect?: () => void;
};

export type Reclaimer = {
  /** Looks once: reclaims when the policy says so. */
  tick(): void;
  /** Reclaims so far. */
  reclaims(): number;
};

export function createReclaimer(opts: Omit<HeapReclaimOptions, 'signal' | 'checkMs'>): Reclaimer {
  const policy = opts.policy ?? DEFAULT_RECLAIM_POLICY;
  const now = opts.now ?? (() => systemClock.monotonic());
  const resident = opts.residentBytes ?? (() => process.memoryUsage.rss());
  const collect = opts.collect ?? lastResortCollector();
  let state: ReclaimState = { busyAt: now(), baselineBytes: resident() };
  let count = 0;
  const mib = (b: number): number => Math.round(b / 2 ** 20);
  return {
    tick() {
      const at = now();
      const busy = opts.busy();
      if (busy) state = { ...state, busyAt: at };
      const residentBytes = resident();
      if (!collect || !shouldReclaim(policy, state, { at, busy, residentBytes })) return;
      collect();
      count++;
      state = { busyAt: state.busyAt, baselineBytes: resident() };
      const ms = Math.round(now() - at);
      const sizes = { rssMiB: mib(residentBytes), afterMiB: mib(state.baselineBytes) };
      opts.logger.debug({ ms, ...sizes }, 'heap reclaimed after a burst');
    },
    reclaims: () => count,
  };
}

/** Bounds the heap's growth (boundHeapGrowth), then looks every `checkMs` until the signal aborts. */
export function startHeapReclaim(opts: HeapReclaimOptions): Reclaimer {
  boundHeapGrowth();
  const reclaimer = createReclaimer(opts);
  const timer = setInterval(() => reclaimer.tick(), opts.checkMs ?? 1_000);
  timer.unref();
  opts.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  return reclaimer;
}
