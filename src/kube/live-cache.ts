/**
 * A watch-fed cache of the live objects Moor manages: one list+watch per kind, across namespaces,
 * selected by Moor's labels. Reading it costs no request, so comparing desired with live does not
 * either; every change reaches the listeners within one watch event.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { err, ok, type KubeObject, type Result } from '../core/index.ts';
import { KubeError, type KubeClient, type KubeLogger, type WatchEvent } from '../kube/index.ts';

export type LiveChangeType = 'added' | 'modified' | 'deleted';
export type LiveChangeListener = (obj: KubeObject, type: LiveChangeType) => void;

export type LiveCacheOptions = {
  readonly kube: KubeClient;
  /** Selects the objects to cache, e.g. `moor.dev/sync-name`. */
  readonly labelSelector: string;
  /** Stops every watch when it aborts. */
  readonly signal: AbortSignal;
  readonly logger: KubeLogger;
  /** Delays between failed attempts: doubling from `initialMs` up to `maxMs` (500 ms, 30 s). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
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
  /** Calls `listener` on every change of a cached object; returns the unsubscribe function. */
  onChange(listener: LiveChangeListener): () => void;
  /** Resolves when every watch has stopped (after the signal aborts). */
  stopped(): Promise<void>;
};

type KindCache = {
  readonly objects: Map<string, KubeObject>;
  readonly ready: Promise<Result<void, KubeError>>;
};

const kindKey = (apiVersion: string, kind: string): string => `${apiVersion}|${kind}`;
const objectKey = (namespace: string, name: string): string => `${namespace}/${name}`;
const keyOfObject = (obj: KubeObject): string =>
  objectKey(obj.metadata.namespace ?? '', obj.metadata.name ?? '');

/** A watch the server ends sooner than this counts as a failure for backoff. */
const QUICK_CLOSE_MS = 1_000;

export function createLiveCache(opts: LiveCacheOptions): LiveCache {
  const { kube, labelSelector, signal, logger } = opts;
  const backoff = opts.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const kinds = new Map<string, KindCache>();
  const loops: Promise<void>[] = [];
  const listeners = new Set<LiveChangeListener>();

  const emit = (obj: KubeObject, type: LiveChangeType): void => {
    for (const listener of [...listeners]) {
      try {
        listener(obj, type);
      } catch (e) {
        logger.warn({ err: e }, `live cache listener failed on ${type} ${obj.kind}`);
      }
    }
  };

  const upsert = (objects: Map<string, KubeObject>, obj: KubeObject): void => {
    const key = keyOfObject(obj);
    const old = objects.get(key);
    if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) return;
    objects.set(key, obj);
    emit(obj, old ? 'modified' : 'added');
  };
  const remove = (objects: Map<string, KubeObject>, obj: KubeObject): void => {
    const key = keyOfObject(obj);
    if (!objects.delete(key)) return;
    emit(obj, 'deleted');
  };
  const replaceAll = (objects: Map<string, KubeObject>, items: readonly KubeObject[]): void => {
    const seen = new Set(items.map(keyOfObject));
    for (const obj of [...objects.values()]) if (!seen.has(keyOfObject(obj))) remove(objects, obj);
    for (const obj of items) upsert(objects, obj);
  };
  const applyEvent = (objects: Map<string, KubeObject>, e: WatchEvent): void => {
    if (e.type === 'DELETED') remove(objects, e.object);
    else if (e.type !== 'BOOKMARK') upsert(objects, e.object);
  };

  const pause = async (failures: number): Promise<void> => {
    if (failures <= 1) return;
    const ms = Math.min(backoff.initialMs * 2 ** (failures - 2), backoff.maxMs);
    await sleep(ms, undefined, { signal }).catch(() => undefined);
  };

  /** Lists again into `objects`; the new resourceVersion, or undefined on failure. */
  const relist = async (apiVersion: string, kind: string, objects: Map<string, KubeObject>) => {
    const listed = await kube.list(apiVersion, kind, { labelSelector }, signal);
    if (!listed.ok) {
      if (!signal.aborted)
        logger.warn({ err: listed.error.message }, `live cache: ${listed.error.message}`);
      return undefined;
    }
    replaceAll(objects, listed.value.items);
    return listed.value.resourceVersion;
  };

  const watchLoop = async (
    apiVersion: string,
    kind: string,
    objects: Map<string, KubeObject>,
    firstVersion: string,
  ): Promise<void> => {
    let version: string | undefined = firstVersion;
    let failures = 0;
    while (!signal.aborted) {
      await pause(failures);
      if (signal.aborted) break;
      if (version === undefined) {
        version = await relist(apiVersion, kind, objects);
        if (version === undefined) failures++;
        continue;
      }
      let last: string = version;
      const started = performance.now();
      const watched = await kube.watch(
        apiVersion,
        kind,
        { labelSelector, resourceVersion: version },
        (e) => {
          last = e.object.metadata.resourceVersion ?? last;
          applyEvent(objects, e);
        },
        signal,
      );
      if (signal.aborted) break;
      version = last;
      if (watched.ok) {
        failures = performance.now() - started < QUICK_CLOSE_MS ? failures + 1 : 0;
      } else if (watched.error.code === 'Expired') {
        logger.debug({ kind, apiVersion }, `live cache: watch of ${kind} expired, listing again`);
        version = undefined;
        failures++;
      } else {
        logger.warn({ err: watched.error.message }, `live cache: ${watched.error.message}`);
        failures++;
      }
    }
  };

  const start = async (apiVersion: string, kind: string, objects: Map<string, KubeObject>) => {
    const listed = await kube.list(apiVersion, kind, { labelSelector }, signal);
    if (!listed.ok) {
      kinds.delete(kindKey(apiVersion, kind));
      return err(listed.error);
    }
    replaceAll(objects, listed.value.items);
    loops.push(watchLoop(apiVersion, kind, objects, listed.value.resourceVersion));
    return ok(undefined);
  };

  return {
    ensureKind(apiVersion, kind) {
      const key = kindKey(apiVersion, kind);
      const existing = kinds.get(key);
      if (existing) return existing.ready;
      if (signal.aborted) {
        const subject = `${kind} (${apiVersion})`;
        const error = new KubeError('Aborted', `live cache of ${subject}: stopped`, {
          verb: 'list',
          subject,
        });
        return Promise.resolve(err(error));
      }
      const objects = new Map<string, KubeObject>();
      const ready = start(apiVersion, kind, objects);
      kinds.set(key, { objects, ready });
      return ready;
    },
    get(apiVersion, kind, namespace, name) {
      return kinds.get(kindKey(apiVersion, kind))?.objects.get(objectKey(namespace, name));
    },
    list(apiVersion, kind) {
      return [...(kinds.get(kindKey(apiVersion, kind))?.objects.values() ?? [])];
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
