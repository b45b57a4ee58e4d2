/**
 * The one list+watch reflector: lists a collection (every page), watches from the list's
 * resourceVersion with bookmarks, lists again on 410 or when a watch stalls (no event, not even a
 * bookmark, for the no-progress timeout), backs off on errors, and stops when its signal aborts.
 * It keeps the objects in one map and reports every change. The decisions are reflector-decide.ts.
 */
import {
  err,
  ok,
  systemClock,
  type Clock,
  type KubeObject,
  type Result,
  nameKey,
  nameKeyOf,
} from '../core/index.ts';
import { KubeError } from './errors.ts';
import {
  DEFAULT_BACKOFF,
  classifyWatchEnd,
  defaultNoProgressMs,
  decideEvent,
  decideUpsert,
  goneAfterList,
  nextAfterList,
  nextAfterWatch,
  pauseMs,
  progressLeftMs,
  type Backoff,
  type ChangeType,
  type StoreStep,
  type WatchEnd,
} from './reflector-decide.ts';
import type { Wakeups } from './reachability.ts';
import type { KubeClient } from './types.ts';
import { WATCH_TIMEOUT_SECONDS } from './watch.ts';

export type ChangeHandler = (
  type: ChangeType,
  obj: KubeObject,
  old: KubeObject | undefined,
) => void;

/** The part of the clock the reflector uses: monotonic time and a sleep cut short by `signal`. */
export type ReflectorClock = Pick<Clock, 'monotonic' | 'sleep'>;

/** The part of a logger the reflector uses (pino's and the controllers' both fit). */
export type ReflectorLogger = {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
};

export type ReflectorOptions = {
  readonly kube: Pick<KubeClient, 'list' | 'watch'>;
  readonly apiVersion: string;
  readonly kind: string;
  /** Omitted: across namespaces. */
  readonly namespace?: string;
  readonly labelSelector?: string;
  /** Objects per page of each list; omitted: the client's default (500). */
  readonly pageSize?: number;
  /** Called for every change, in order; `old` is the cached copy it replaces (if any). */
  readonly onChange: ChangeHandler;
  readonly signal: AbortSignal;
  readonly logger: ReflectorLogger;
  /** Default: the system clock. */
  readonly clock?: ReflectorClock;
  readonly backoff?: Backoff;
  /** Asked of the server per watch; omitted: the client's default (240 s). */
  readonly watchTimeoutSeconds?: number;
  /** Silence after which a watch counts as stalled; default: `defaultNoProgressMs` (90 s). */
  readonly noProgressMs?: number;
  /** Applied to every object listed or watched before it is stored (e.g. a Compactor). */
  readonly transform?: (obj: KubeObject) => KubeObject;
  /** `retry` (default): list until the first list succeeds. `report`: a failed first list ends the reflector and `synced` carries the error. */
  readonly firstList?: 'retry' | 'report';
  /** Cuts a backoff pause short (the API server answers again): the reflector retries at once. */
  readonly wake?: Wakeups;
};

/**
 * How long each watch is asked to last and how long it may stay silent (omitted: the defaults),
 * and what cuts a backoff pause short.
 */
export type WatchTiming = Pick<ReflectorOptions, 'watchTimeoutSeconds' | 'noProgressMs' | 'wake'>;

export type Reflector = {
  get(namespace: string, name: string): KubeObject | undefined;
  list(): KubeObject[];
  /** The first list: ok once it is in the store; an error when it failed (`report`) or the signal aborted first. */
  readonly synced: Promise<Result<void, KubeError>>;
  /** Resolves when the reflector stopped. */
  readonly done: Promise<void>;
};

type Ctx = {
  readonly opts: ReflectorOptions;
  readonly store: Map<string, KubeObject>;
  readonly clock: ReflectorClock;
  readonly what: string;
  readonly scope: { readonly namespace?: string; readonly labelSelector?: string };
};

function applyStep(ctx: Ctx, step: StoreStep): void {
  if (step.op === 'none') return;
  const key = nameKeyOf(step.obj);
  if (step.op === 'set') ctx.store.set(key, step.obj);
  else ctx.store.delete(key);
  try {
    ctx.opts.onChange(step.op === 'set' ? step.change : 'deleted', step.obj, step.old);
  } catch (e) {
    ctx.opts.logger.warn({ err: e }, `${ctx.what}: change handler failed`);
  }
}

/** Lists into the store: what vanished first, then what is new or changed; the list's version. */
async function listInto(ctx: Ctx): Promise<Result<string, KubeError>> {
  const { opts, store } = ctx;
  const scope = opts.pageSize === undefined ? ctx.scope : { ...ctx.scope, pageSize: opts.pageSize };
  const listed = await opts.kube.list(opts.apiVersion, opts.kind, scope, opts.signal);
  if (!listed.ok) return listed;
  for (const gone of goneAfterList(store.values(), listed.value.items))
    applyStep(ctx, { op: 'delete', obj: gone, old: gone });
  const transform = opts.transform ?? ((obj: KubeObject) => obj);
  for (const listedItem of listed.value.items) {
    const item = transform(listedItem);
    applyStep(ctx, decideUpsert(item, store.get(nameKeyOf(item))));
  }
  return ok(listed.value.resourceVersion);
}

/** One watch from `from`, cut by a watchdog when it makes no progress; how it ended, and the last version seen. */
async function watchOnce(
  ctx: Ctx,
  from: string,
  noProgressMs: number,
): Promise<{ end: WatchEnd; last: string }> {
  const { opts, clock, store } = ctx;
  const cut = new AbortController();
  const onAbort = (): void => cut.abort();
  opts.signal.addEventListener('abort', onAbort, { once: true });
  const started = clock.monotonic();
  let progressAt = started;
  let stalled = false;
  let last = from;
  const watchdog = (async () => {
    for (let left = noProgressMs; !cut.signal.aborted;) {
      await clock.sleep(left, cut.signal);
      left = progressLeftMs(progressAt, noProgressMs, clock.monotonic());
      if (left <= 0 && !cut.signal.aborted) {
        stalled = true;
        cut.abort();
      }
    }
  })();
  const timeout =
    opts.watchTimeoutSeconds === undefined ? {} : { timeoutSeconds: opts.watchTimeoutSeconds };
  const watched = await opts.kube.watch(
    opts.apiVersion,
    opts.kind,
    { ...ctx.scope, resourceVersion: from, ...timeout },
    (received) => {
      progressAt = clock.monotonic();
      const event =
        opts.transform && received.type !== 'BOOKMARK'
          ? { type: received.type, object: opts.transform(received.object) }
          : received;
      const decided = decideEvent(event, store.get(nameKeyOf(event.object)), last);
      last = decided.resourceVersion;
      applyStep(ctx, decided.step);
    },
    cut.signal,
  );
  cut.abort();
  opts.signal.removeEventListener('abort', onAbort);
  await watchdog;
  // 410 is routine (logged at debug by the caller); other errors are worth a warning.
  if (!watched.ok && watched.error.code !== 'Expired' && !opts.signal.aborted)
    opts.logger.warn({ err: watched.error.message }, `watch ${ctx.what} failed`);
  const result = watched.ok
    ? { ok: true as const }
    : { ok: false as const, code: watched.error.code };
  return { end: classifyWatchEnd(result, stalled, clock.monotonic() - started), last };
}

type LoopState = { version: string | undefined; failures: number; first: boolean };

/** Lists into the store and moves `state` on; `end` when the reflector stops here. */
async function listStep(
  ctx: Ctx,
  state: LoopState,
  settle: (r: Result<void, KubeError>) => void,
): Promise<'next' | 'end'> {
  const { opts } = ctx;
  const listed = await listInto(ctx);
  if (opts.signal.aborted) return 'end';
  if (listed.ok) {
    if (state.first) settle(ok(undefined));
    state.first = false;
    state.version = listed.value;
  } else if (state.first && opts.firstList === 'report') {
    // The caller gets the error and decides; nothing keeps listing.
    settle(listed);
    return 'end';
  } else {
    opts.logger.warn({ err: listed.error.message }, `list ${ctx.what} failed`);
  }
  state.failures = nextAfterList(listed.ok, state.failures).failures;
  return 'next';
}

/** Sleeps `ms`, cut short by the signal or by a wakeup. */
async function pause(ctx: Ctx, ms: number): Promise<void> {
  const { signal, wake } = ctx.opts;
  if (!wake) return ctx.clock.sleep(ms, signal);
  const cut = new AbortController();
  const onAbort = (): void => cut.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  const unsubscribe = wake(onAbort);
  try {
    await ctx.clock.sleep(ms, cut.signal);
  } finally {
    unsubscribe();
    signal.removeEventListener('abort', onAbort);
  }
}

function aborted(what: string): KubeError {
  return new KubeError('Aborted', `list ${what}: stopped`, { verb: 'list', subject: what });
}

export function startReflector(opts: ReflectorOptions): Reflector {
  const clock = opts.clock ?? systemClock;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const noProgressMs =
    opts.noProgressMs ?? defaultNoProgressMs(opts.watchTimeoutSeconds ?? WATCH_TIMEOUT_SECONDS);
  const ctx: Ctx = {
    opts,
    store: new Map(),
    clock,
    what: `${opts.kind} (${opts.apiVersion})`,
    scope: {
      ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}),
      ...(opts.labelSelector !== undefined ? { labelSelector: opts.labelSelector } : {}),
    },
  };
  let settle: (r: Result<void, KubeError>) => void = () => undefined;
  const synced = new Promise<Result<void, KubeError>>((resolve) => (settle = resolve));
  const { signal, logger } = opts;

  const run = async (): Promise<void> => {
    const state: LoopState = { version: undefined, failures: 0, first: true };
    while (!signal.aborted) {
      const ms = pauseMs(state.failures, backoff);
      if (ms > 0) await pause(ctx, ms);
      if (signal.aborted) break;
      if (state.version === undefined) {
        if ((await listStep(ctx, state, settle)) === 'end') break;
        continue;
      }
      const { end, last } = await watchOnce(ctx, state.version, noProgressMs);
      if (signal.aborted) break;
      if (end.kind === 'expired') logger.debug({}, `watch ${ctx.what} expired, listing again`);
      if (end.kind === 'stalled')
        logger.warn({ noProgressMs }, `watch ${ctx.what} made no progress, listing again`);
      const next = nextAfterWatch(end, state.failures);
      state.failures = next.failures;
      state.version = next.step === 'list' ? undefined : last;
    }
    settle(err(aborted(ctx.what)));
  };

  return {
    get: (namespace, name) => ctx.store.get(nameKey(namespace, name)),
    list: () => [...ctx.store.values()],
    synced,
    done: run(),
  };
}
