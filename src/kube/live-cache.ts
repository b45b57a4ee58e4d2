/**
 * A watch-fed cache of the live objects Moor manages: one reflector per kind, across namespaces,
 * selected by Moor's labels. Reading it costs no request, so comparing desired with live does not
 * either; every change reaches the listeners within one watch event. Objects are kept as the
 * server sends them (managedFields included: drift names field managers from them), compacted:
 * repeated values stored once, kubectl's last-applied annotation dropped (compact.ts).
 */
import { err, type KubeObject, type Result, kindKey } from '../core/index.ts';
import { createCompactor } from './compact.ts';
import { KubeError } from './errors.ts';
import type { Backoff } from './reflector-decide.ts';
import {
  startReflector,
  type Reflector,
  type ReflectorClock,
  type ReflectorLogger,
  type WatchTiming,
} from './reflector.ts';
import type { KubeClient } from './types.ts';

export type LiveChangeType = 'added' | 'modified' | 'deleted';
export type LiveChangeListener = (obj: KubeObject, type: LiveChangeType) => void;

export type LiveCacheOptions = {
  readonly kube: Pick<KubeClient, 'list' | 'watch'>;
  /** Selects the objects to cache, e.g. `moor.dev/sync-name`. */
  readonly labelSelector: string;
  /** Stops every watch when it aborts. */
  readonly signal: AbortSignal;
  readonly logger: ReflectorLogger;
  /** Delays between failed attempts: doubling from `initialMs` up to `maxMs` (500 ms, 30 s). */
  readonly backoff?: Backoff;
  readonly clock?: ReflectorClock;
  /** Watch timeout and no-progress timeout; omitted: the reflector's defaults. */
  readonly watch?: WatchTiming;
};

export type LiveCache = {
  /**
   * Starts (once per kind) a list+watch of `kind` across namespaces; resolves when the first list
   * is in. A failed first list is returned and forgotten, so a later call tries again.
   */
  ensureKind(apiVersion: string, kind: string): Promise<Result<void, KubeError>>;
  /** The cached object; undefined when it does not exist or its kind was never ensured. No request. */
  get(apiVersion: string, kind: string, namespace: string, name: string): KubeObject | undefined;
  /** Every cached object of a kind. No request. */
  list(apiVersion: string, kind: string): KubeObject[];
  /** How many objects the cache holds, over every kind (`moor_live_cache_objects`). */
  size(): number;
  /** Calls `listener` on every change of a cached object; returns the unsubscribe function. */
  onChange(listener: LiveChangeListener): () => void;
  /** Resolves when every watch has stopped (after the signal aborts). */
  stopped(): Promise<void>;
};

type KindCache = {
  readonly reflector: Reflector;
  readonly ready: Promise<Result<void, KubeError>>;
};

/** What `ensureKind` answers once the cache is stopped. */
function stoppedError(apiVersion: string, kind: string): KubeError {
  const subject = `${kind} (${apiVersion})`;
  return new KubeError('Aborted', `live cache of ${subject}: stopped`, { verb: 'list', subject });
}

export function createLiveCache(opts: LiveCacheOptions): LiveCache {
  const { kube, labelSelector, signal, logger } = opts;
  const kinds = new Map<string, KindCache>();
  const loops: Promise<void>[] = [];
  const listeners = new Set<LiveChangeListener>();
  const compact = createCompactor();

  const emit = (obj: KubeObject, type: LiveChangeType): void => {
    for (const listener of [...listeners]) {
      try {
        listener(obj, type);
      } catch (e) {
        logger.warn({ err: e }, `live cache listener failed on ${type} ${obj.kind}`);
      }
    }
  };

  const start = (apiVersion: string, kind: string): KindCache => {
    const key = kindKey(apiVersion, kind);
    const reflector = startReflector({
      kube,
      apiVersion,
      kind,
      labelSelector,
      signal,
      logger,
      firstList: 'report',
      ...opts.watch,
      transform: compact,
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
      ...(opts.clock ? { clock: opts.clock } : {}),
      // A deletion of an object never cached is no change of the cache.
      onChange: (type, obj, old) => {
        if (type !== 'deleted' || old) emit(obj, type);
      },
    });
    loops.push(reflector.done);
    const entry: KindCache = {
      reflector,
      ready: reflector.synced.then((listed) => {
        if (!listed.ok && kinds.get(key) === entry) kinds.delete(key);
        return listed;
      }),
    };
    return entry;
  };

  return {
    ensureKind(apiVersion, kind) {
      const key = kindKey(apiVersion, kind);
      const existing = kinds.get(key);
      if (existing) return existing.ready;
      if (signal.aborted) return Promise.resolve(err(stoppedError(apiVersion, kind)));
      const entry = start(apiVersion, kind);
      kinds.set(key, entry);
      return entry.ready;
    },
    get(apiVersion, kind, namespace, name) {
      return kinds.get(kindKey(apiVersion, kind))?.reflector.get(namespace, name);
    },
    list(apiVersion, kind) {
      return kinds.get(kindKey(apiVersion, kind))?.reflector.list() ?? [];
    },
    size() {
      let count = 0;
      for (const entry of kinds.values()) count += entry.reflector.list().length;
      return count;
    },
    onChange(listener) {
      const own: LiveChangeListener = (obj, type) => listener(obj, type);
      listeners.add(own);
      return () => {
        listeners.delete(own);
      };
    },
    async stopped() {
      await Promise.all(loops);
    },
  };
}
