import type { KubeObject, Result } from '../core/index.ts';
import type { KubeError } from './errors.ts';

/** Names one object: what `get`, `delete`, `patchStatus` and `mergePatch` act on. */
export type ObjectRef = {
  readonly apiVersion: string;
  readonly kind: string;
  /** Required for namespaced kinds, ignored for cluster-scoped ones. */
  readonly namespace?: string;
  readonly name: string;
};

/** What discovery says about a kind: where its REST path is and whether it is namespaced. */
export type ResourceInfo = {
  readonly group: string;
  readonly version: string;
  /** Plural resource name used in REST paths (`deployments`). */
  readonly resource: string;
  readonly namespaced: boolean;
};

export type ApplyOptions = {
  readonly fieldManager: string;
  readonly dryRun?: boolean;
  /** Take ownership of fields other managers own instead of failing with `Conflict`. */
  readonly force?: boolean;
};

export type ListOptions = {
  /** Omitted for a namespaced kind: list across all namespaces. */
  readonly namespace?: string;
  readonly labelSelector?: string;
  /** Objects per page (the server's `limit`); default 500. Pages are read one after another. */
  readonly pageSize?: number;
};

export type ListResult = { readonly items: KubeObject[]; readonly resourceVersion: string };

export type DeleteOptions = {
  readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  readonly dryRun?: boolean;
  /** Delete only if the live object still has this uid (else `Conflict`). */
  readonly preconditionUid?: string;
};

export type WatchOptions = ListOptions & {
  /** Start after this version (from a list); omitted: the server sends ADDED for every object first. */
  readonly resourceVersion?: string;
  /** How long the server keeps the watch open before closing it cleanly; default 240. */
  readonly timeoutSeconds?: number;
};

export const WatchEventTypes = ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK'] as const;
export type WatchEventType = (typeof WatchEventTypes)[number];
export type WatchEvent = { readonly type: WatchEventType; readonly object: KubeObject };

/**
 * Everything Moor asks of the Kubernetes API server. `createKubeClient` is the real one; pure
 * tests of the controllers pass their own implementation.
 */
export interface KubeClient {
  /** Server-side apply (`application/apply-patch+yaml`); returns the object as the server returned it. */
  apply(
    obj: KubeObject,
    opts: ApplyOptions,
    signal: AbortSignal,
  ): Promise<Result<KubeObject, KubeError>>;
  /** `undefined` when the object does not exist. */
  get(ref: ObjectRef, signal: AbortSignal): Promise<Result<KubeObject | undefined, KubeError>>;
  /** Every page of the list; items carry `apiVersion` and `kind`. */
  list(
    apiVersion: string,
    kind: string,
    opts: ListOptions,
    signal: AbortSignal,
  ): Promise<Result<ListResult, KubeError>>;
  delete(
    ref: ObjectRef,
    opts: DeleteOptions,
    signal: AbortSignal,
  ): Promise<Result<'deleted' | 'notFound', KubeError>>;
  /**
   * Streams events until the server closes the watch (ok), `signal` aborts (ok), or an error
   * (`Expired` when the resource version is too old: list again, then watch from the new one).
   */
  watch(
    apiVersion: string,
    kind: string,
    opts: WatchOptions,
    onEvent: (e: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<Result<void, KubeError>>;
  /** Server-side apply of `status` on the status subresource, forced. */
  patchStatus(
    ref: ObjectRef,
    status: Record<string, unknown>,
    opts: { readonly fieldManager: string },
    signal: AbortSignal,
  ): Promise<Result<KubeObject, KubeError>>;
  /** JSON merge patch (annotations such as `moor.dev/reconcile-requested-at`, `spec.suspend`). */
  mergePatch(
    ref: ObjectRef,
    patch: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<Result<KubeObject, KubeError>>;
  /** Plain create (POST); `Conflict` when it exists. */
  create(obj: KubeObject, signal: AbortSignal): Promise<Result<KubeObject, KubeError>>;
  /**
   * Replaces the whole object (PUT). With `metadata.resourceVersion` set this is optimistic
   * concurrency: `Conflict` when the object changed or was deleted since that version.
   */
  update(obj: KubeObject, signal: AbortSignal): Promise<Result<KubeObject, KubeError>>;
  /** Discovery, cached; a miss re-discovers the group version once before `UnknownKind`. */
  resolveKind(
    apiVersion: string,
    kind: string,
    signal: AbortSignal,
  ): Promise<Result<ResourceInfo, KubeError>>;
  /** A client acting as `user` (e.g. `system:serviceaccount:ns:name`), sharing connections and caches. */
  impersonate(user: string, groups?: readonly string[]): KubeClient;
  /** The API server's `/version` (`gitVersion` such as `v1.34.1`); optional for test clients. */
  serverVersion?(signal: AbortSignal): Promise<Result<{ readonly gitVersion: string }, KubeError>>;
  /** Requests sent, by verb (`get`, `list`, `watch`, `patch`, `create`, `update`, `delete`, `discovery`). */
  readonly requestCounts: ReadonlyMap<string, number>;
}
