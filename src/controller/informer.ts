/**
 * A list+watch cache of one kind: lists, then watches from the list's resourceVersion, re-lists
 * when the watch expires, and reports every change. Readers get objects without a request.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../core/index.ts';
import type { KubeClient } from '../kube/index.ts';
import { backoffDelay } from './backoff.ts';
import type { Logger } from './types.ts';

export type ChangeType = 'added' | 'modified' | 'deleted';
export type ChangeHandler = (
  type: ChangeType,
  obj: KubeObject,
  old: KubeObject | undefined,
) => void;

export type Informer = {
  get(namespace: string, name: string): KubeObject | undefined;
  list(): KubeObject[];
  /** Resolves after the first list has filled the cache. */
  readonly synced: Promise<void>;
  /** Resolves when the informer stopped (its signal aborted). */
  readonly done: Promise<void>;
};

export type InformerOptions = {
  readonly kube: KubeClient;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly onChange: ChangeHandler;
  readonly signal: AbortSignal;
  readonly logger: Logger;
};

const keyOf = (obj: KubeObject): string =>
  `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;

export function startInformer(opts: InformerOptions): Informer {
  const cache = new Map<string, KubeObject>();
  let markSynced: () => void = () => undefined;
  const synced = new Promise<void>((resolve) => (markSynced = resolve));
  const what = `${opts.kind} (${opts.apiVersion})`;
  const scope = {
    ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}),
    ...(opts.labelSelector !== undefined ? { labelSelector: opts.labelSelector } : {}),
  };

  const upsert = (obj: KubeObject): void => {
    const key = keyOf(obj);
    const old = cache.get(key);
    if (old?.metadata.resourceVersion === obj.metadata.resourceVersion) return;
    cache.set(key, obj);
    opts.onChange(old ? 'modified' : 'added', obj, old);
  };
  const remove = (obj: KubeObject): void => {
    const key = keyOf(obj);
    const old = cache.get(key);
    cache.delete(key);
    opts.onChange('deleted', old ?? obj, old);
  };

  const relist = async (): Promise<string | undefined> => {
    const listed = await opts.kube.list(opts.apiVersion, opts.kind, scope, opts.signal);
    if (!listed.ok) {
      opts.logger.warn({ err: listed.error.message }, `list ${what} failed`);
      return undefined;
    }
    const seen = new Set<string>();
    for (const item of listed.value.items) {
      seen.add(keyOf(item));
      upsert(item);
    }
    for (const [key, obj] of [...cache]) if (!seen.has(key)) remove(obj);
    markSynced();
    return listed.value.resourceVersion;
  };

  const run = async (): Promise<void> => {
    let failures = 0;
    let resourceVersion: string | undefined;
    while (!opts.signal.aborted) {
      if (resourceVersion === undefined) {
        resourceVersion = await relist();
        if (resourceVersion === undefined) {
          failures++;
          await sleep(backoffDelay(failures, 500, 30_000), undefined, {
            signal: opts.signal,
          }).catch(() => undefined);
          continue;
        }
      }
      let lastVersion: string = resourceVersion;
      const watched = await opts.kube.watch(
        opts.apiVersion,
        opts.kind,
        { ...scope, resourceVersion: lastVersion },
        (event) => {
          lastVersion = event.object.metadata.resourceVersion ?? lastVersion;
          if (event.type === 'BOOKMARK') return;
          if (event.type === 'DELETED') remove(event.object);
          else upsert(event.object);
        },
        opts.signal,
      );
      if (watched.ok) {
        failures = 0;
        resourceVersion = lastVersion;
        continue;
      }
      if (watched.error.code === 'Expired') {
        resourceVersion = undefined;
        continue;
      }
      failures++;
      opts.logger.warn({ err: watched.error.message }, `watch ${what} failed`);
      resourceVersion = undefined;
      await sleep(backoffDelay(failures, 500, 30_000), undefined, { signal: opts.signal }).catch(
        () => undefined,
      );
    }
  };

  const done = run();
  return {
    get: (namespace, name) => cache.get(`${namespace}/${name}`),
    list: () => [...cache.values()],
    synced,
    done,
  };
}
