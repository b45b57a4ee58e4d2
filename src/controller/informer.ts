/**
 * A list+watch cache of one kind for the controllers: kube/'s reflector, plus a `synced` that
 * resolves once the first list is in (it keeps listing until then). Readers get objects without
 * a request; every change is reported.
 */
import type { KubeObject } from '../core/index.ts';
import {
  startReflector,
  type ChangeType,
  type KubeClient,
  type WatchTiming,
} from '../kube/index.ts';
import type { Logger } from './types.ts';

export type { ChangeType } from '../kube/index.ts';
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
  /** Watch timeout and no-progress timeout; omitted: the reflector's defaults. */
  readonly watch?: WatchTiming;
  /** Applied to every object before it is cached (e.g. a Compactor); omitted: kept as parsed. */
  readonly transform?: (obj: KubeObject) => KubeObject;
};

/**
 * Objects per page of an informer's list: 1,000 Syncs (or sources) arrive in one answer at start
 * instead of two read one after the other (ADR 0039). The live cache keeps the client's 500.
 */
export const INFORMER_PAGE_SIZE = 1_000;

export function startInformer(opts: InformerOptions): Informer {
  const reflector = startReflector({
    kube: opts.kube,
    pageSize: INFORMER_PAGE_SIZE,
    apiVersion: opts.apiVersion,
    kind: opts.kind,
    ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}),
    ...(opts.labelSelector !== undefined ? { labelSelector: opts.labelSelector } : {}),
    ...(opts.transform !== undefined ? { transform: opts.transform } : {}),
    signal: opts.signal,
    logger: opts.logger,
    ...opts.watch,
    // A deleted object is reported as it was cached, when it was.
    onChange: (type, obj, old) => opts.onChange(type, type === 'deleted' ? (old ?? obj) : obj, old),
  });
  const synced = new Promise<void>((resolve) => {
    void reflector.synced.then((listed) => {
      if (listed.ok) resolve();
    });
  });
  return {
    get: (namespace, name) => reflector.get(namespace, name),
    list: () => reflector.list(),
    synced,
    done: reflector.done,
  };
}
