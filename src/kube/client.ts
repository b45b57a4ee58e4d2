// The generic, discovery-driven client: every kind goes through the same REST calls.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as ClientNode from '@kubernetes/client-node';
import {
  err,
  formatObjectId,
  ok,
  parseApiVersion,
  type Clock,
  type KubeObject,
  type Result,
} from '../core/index.ts';
import { clientNodeApiAccess, staticApiAccess, type ApiAccess } from './auth.ts';
import { createDiscovery, type Discovery } from './discovery.ts';
import { KubeError } from './errors.ts';
import { collectionPath, objectPath, withQuery } from './paths.ts';
import { createTransport, type HttpRequest, type KubeLogger, type Transport } from './transport.ts';
import type { KubeClient, ListResult, ObjectRef, ResourceInfo, WatchOptions } from './types.ts';
import { kubeconfigPathOf, readStaticAccess } from './kubeconfig.ts';
import { WATCH_TIMEOUT_SECONDS, consumeWatchStream } from './watch.ts';

export type KubeClientOptions = {
  /** Path of a kubeconfig; default: `KUBECONFIG`, `~/.kube/config`, or in-cluster (as `kubectl`). */
  readonly kubeconfig?: string;
  /** An already loaded configuration (wins over `kubeconfig`). */
  readonly kubeConfig?: ClientNode.KubeConfig;
  /** Context to use instead of the kubeconfig's current one. */
  readonly context?: string;
  readonly logger?: KubeLogger;
  /** Per request (for watches: until the response starts); default 30 s. */
  readonly timeoutMs?: number;
  /** Requests in flight at once, watches excepted; default 32. */
  readonly maxConcurrent?: number;
  /** Where `KUBECONFIG` and `HOME` are read when `kubeconfig` is not given; default: neither is set. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Times requests and waits between retries; default: the system clock. */
  readonly clock?: Pick<Clock, 'monotonic' | 'sleep'>;
};

const APPLY_PATCH = 'application/apply-patch+yaml';
const MERGE_PATCH = 'application/merge-patch+json';
const JSON_TYPE = 'application/json';
const PAGE_SIZE = '500';
const MAX_PAGES = 10_000;
const MISSING_RESOURCE = 'the server could not find the requested resource';

type Shared = { readonly transport: Transport; readonly discovery: Discovery };
type Target = { readonly info: ResourceInfo; readonly subject: string; readonly path: string };

function refSubject(ref: ObjectRef): string {
  const { group } = parseApiVersion(ref.apiVersion);
  return formatObjectId({ group, kind: ref.kind, namespace: ref.namespace ?? '', name: ref.name });
}

function collectionSubject(
  apiVersion: string,
  kind: string,
  namespace: string | undefined,
): string {
  const { group } = parseApiVersion(apiVersion);
  const name = group ? `${kind}.${group}` : kind;
  return namespace ? `${name} in namespace ${namespace}` : `${name} (all namespaces)`;
}

function refOf(obj: KubeObject): ObjectRef {
  const { namespace, name, generateName } = obj.metadata;
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    ...(namespace ? { namespace } : {}),
    name: name ?? (generateName ? `${generateName}*` : ''),
  };
}

function invalid(verb: string, subject: string, why: string): KubeError {
  return new KubeError('Invalid', `${verb} ${subject}: ${why}`, { verb, subject });
}

const asObject = (body: unknown): KubeObject => body as KubeObject;

function buildClient(shared: Shared, identity: Readonly<Record<string, string>>): KubeClient {
  const { transport, discovery } = shared;

  const send = async (req: HttpRequest, apiVersion: string, signal: AbortSignal) => {
    const res = await transport.requestJson({ ...req, headers: identity }, signal);
    if (!res.ok && res.error.data.serverMessage === MISSING_RESOURCE) discovery.forget(apiVersion);
    return res;
  };

  /** Resolves the REST path of one object (optionally a subresource). */
  const target = async (
    ref: ObjectRef,
    verb: string,
    subresource?: string,
  ): Promise<Result<Target, KubeError>> => {
    const subject = refSubject(ref);
    const info = await discovery.resolveKind(ref.apiVersion, ref.kind);
    if (!info.ok) return info;
    if (!ref.name) return err(invalid(verb, subject, 'metadata.name is required'));
    if (info.value.namespaced && !ref.namespace) {
      return err(
        invalid(verb, subject, `${ref.kind} is namespaced: metadata.namespace is required`),
      );
    }
    const path = objectPath(info.value, ref.namespace, ref.name, subresource);
    return ok({ info: info.value, subject, path });
  };

  const withKind = (apiVersion: string, kind: string, items: unknown): KubeObject[] =>
    Array.isArray(items) ? items.map((item: KubeObject) => ({ ...item, apiVersion, kind })) : [];

  const client: KubeClient = {
    requestCounts: transport.counts,

    async apply(obj, opts, signal) {
      const t = await target(refOf(obj), 'apply');
      if (!t.ok) return t;
      const query = {
        fieldManager: opts.fieldManager,
        force: opts.force ? 'true' : undefined,
        dryRun: opts.dryRun ? 'All' : undefined,
      };
      const req: HttpRequest = {
        method: 'PATCH',
        path: withQuery(t.value.path, query),
        contentType: APPLY_PATCH,
        body: JSON.stringify(obj),
        verb: 'patch',
        action: opts.dryRun ? 'apply (dry-run)' : 'apply',
        subject: t.value.subject,
      };
      const res = await send(req, obj.apiVersion, signal);
      return res.ok ? ok(asObject(res.value.body)) : res;
    },

    async get(ref, signal) {
      const t = await target(ref, 'get');
      if (!t.ok) return t;
      const res = await send(
        { method: 'GET', path: t.value.path, verb: 'get', subject: t.value.subject },
        ref.apiVersion,
        signal,
      );
      if (res.ok) return ok(asObject(res.value.body));
      return res.error.code === 'NotFound' ? ok(undefined) : res;
    },

    async list(apiVersion, kind, opts, signal) {
      const info = await discovery.resolveKind(apiVersion, kind);
      if (!info.ok) return info;
      const subject = collectionSubject(apiVersion, kind, opts.namespace);
      const base = collectionPath(info.value, opts.namespace);
      const items: KubeObject[] = [];
      let cont: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const query = { labelSelector: opts.labelSelector, limit: PAGE_SIZE, continue: cont };
        const res = await send(
          { method: 'GET', path: withQuery(base, query), verb: 'list', subject },
          apiVersion,
          signal,
        );
        if (!res.ok) return res;
        const body = res.value.body as {
          items?: unknown;
          metadata?: { resourceVersion?: string; continue?: string };
        };
        items.push(...withKind(apiVersion, kind, body.items));
        cont = body.metadata?.continue;
        if (!cont)
          return ok<ListResult>({ items, resourceVersion: body.metadata?.resourceVersion ?? '' });
      }
      return err(
        new KubeError('Failed', `list ${subject}: more than ${MAX_PAGES} pages`, {
          verb: 'list',
          subject,
        }),
      );
    },

    async delete(ref, opts, signal) {
      const t = await target(ref, 'delete');
      if (!t.ok) return t;
      const body = {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        ...(opts.propagationPolicy ? { propagationPolicy: opts.propagationPolicy } : {}),
        ...(opts.dryRun ? { dryRun: ['All'] } : {}),
        ...(opts.preconditionUid ? { preconditions: { uid: opts.preconditionUid } } : {}),
      };
      const req: HttpRequest = {
        method: 'DELETE',
        path: t.value.path,
        contentType: JSON_TYPE,
        body: JSON.stringify(body),
        verb: 'delete',
        subject: t.value.subject,
      };
      const res = await send(req, ref.apiVersion, signal);
      if (res.ok) return ok('deleted');
      return res.error.code === 'NotFound' ? ok('notFound') : res;
    },

    async watch(apiVersion, kind, opts: WatchOptions, onEvent, signal) {
      const info = await discovery.resolveKind(apiVersion, kind);
      if (!info.ok) return info;
      const subject = collectionSubject(apiVersion, kind, opts.namespace);
      const query = {
        watch: '1',
        allowWatchBookmarks: 'true',
        labelSelector: opts.labelSelector,
        resourceVersion: opts.resourceVersion,
        timeoutSeconds: String(opts.timeoutSeconds ?? WATCH_TIMEOUT_SECONDS),
      };
      const path = withQuery(collectionPath(info.value, opts.namespace), query);
      const stream = await transport.openStream(
        { method: 'GET', path, verb: 'watch', subject, headers: identity },
        signal,
      );
      if (!stream.ok) {
        if (stream.error.data.serverMessage === MISSING_RESOURCE) discovery.forget(apiVersion);
        return stream.error.code === 'Aborted' ? ok(undefined) : stream;
      }
      return consumeWatchStream(stream.value, subject, onEvent, signal);
    },

    async patchStatus(ref, status, opts, signal) {
      const t = await target(ref, 'apply status', 'status');
      if (!t.ok) return t;
      const metadata = {
        name: ref.name,
        ...(t.value.info.namespaced ? { namespace: ref.namespace } : {}),
      };
      const req: HttpRequest = {
        method: 'PATCH',
        path: withQuery(t.value.path, { fieldManager: opts.fieldManager, force: 'true' }),
        contentType: APPLY_PATCH,
        body: JSON.stringify({ apiVersion: ref.apiVersion, kind: ref.kind, metadata, status }),
        verb: 'patch',
        action: 'apply status',
        subject: t.value.subject,
      };
      const res = await send(req, ref.apiVersion, signal);
      return res.ok ? ok(asObject(res.value.body)) : res;
    },

    async mergePatch(ref, patch, signal) {
      const t = await target(ref, 'merge-patch');
      if (!t.ok) return t;
      const req: HttpRequest = {
        method: 'PATCH',
        path: t.value.path,
        contentType: MERGE_PATCH,
        body: JSON.stringify(patch),
        verb: 'patch',
        action: 'merge-patch',
        subject: t.value.subject,
      };
      const res = await send(req, ref.apiVersion, signal);
      return res.ok ? ok(asObject(res.value.body)) : res;
    },

    async create(obj, signal) {
      const ref = refOf(obj);
      const subject = refSubject(ref);
      const info = await discovery.resolveKind(obj.apiVersion, obj.kind);
      if (!info.ok) return info;
      if (info.value.namespaced && !ref.namespace) {
        return err(
          invalid('create', subject, `${obj.kind} is namespaced: metadata.namespace is required`),
        );
      }
      const req: HttpRequest = {
        method: 'POST',
        path: collectionPath(info.value, ref.namespace),
        contentType: JSON_TYPE,
        body: JSON.stringify(obj),
        verb: 'create',
        subject,
      };
      const res = await send(req, obj.apiVersion, signal);
      return res.ok ? ok(asObject(res.value.body)) : res;
    },

    async update(obj, signal) {
      const t = await target(refOf(obj), 'update');
      if (!t.ok) return t;
      const req: HttpRequest = {
        method: 'PUT',
        path: t.value.path,
        contentType: JSON_TYPE,
        body: JSON.stringify(obj),
        verb: 'update',
        subject: t.value.subject,
      };
      const res = await send(req, obj.apiVersion, signal);
      return res.ok ? ok(asObject(res.value.body)) : res;
    },

    async resolveKind(apiVersion, kind, signal) {
      if (signal.aborted) {
        const subject = collectionSubject(apiVersion, kind, undefined);
        return err(
          new KubeError('Aborted', `resolve ${subject}: aborted`, { verb: 'discovery', subject }),
        );
      }
      return discovery.resolveKind(apiVersion, kind);
    },

    impersonate(user, groups = []) {
      if (groups.length > 1) {
        // fetch joins repeated headers into one line, which the API server reads as one group.
        throw new TypeError(
          `impersonate ${user}: at most one group is supported, got ${groups.length}`,
        );
      }
      const [group] = groups;
      return buildClient(shared, {
        'Impersonate-User': user,
        ...(group ? { 'Impersonate-Group': group } : {}),
      });
    },
  };
  return client;
}

function loadFailed(source: string, error: unknown): KubeError {
  const why = error instanceof Error ? error.message : String(error);
  const data = { verb: 'load', subject: source };
  return new KubeError('Failed', `kubeconfig ${source}: cannot be loaded: ${why}`, data, {
    cause: error,
  });
}

/** client-node, loaded (synchronously) only for the kubeconfigs kubeconfig.ts leaves to it. */
function loadClientNode(): typeof ClientNode {
  return createRequire(import.meta.url)('@kubernetes/client-node') as typeof ClientNode;
}

function loadWithClientNode(opts: KubeClientOptions): ApiAccess {
  const lib = loadClientNode();
  if (opts.kubeConfig) return clientNodeApiAccess(opts.kubeConfig, lib);
  const kc = new lib.KubeConfig();
  const source =
    opts.kubeconfig ?? 'the default kubeconfig ($KUBECONFIG, ~/.kube/config or in-cluster)';
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (error) {
    throw loadFailed(source, error);
  }
  if (opts.context) kc.setCurrentContext(opts.context);
  return clientNodeApiAccess(kc, lib);
}

/** The server and credentials the options name: read here when static, else by client-node. */
function loadApiAccess(opts: KubeClientOptions): ApiAccess {
  const path = opts.kubeConfig ? undefined : kubeconfigPathOf(opts.kubeconfig, opts.env ?? {});
  if (path === undefined) return loadWithClientNode(opts);
  let access;
  try {
    access = readStaticAccess(readFileSync(path, 'utf8'), path, opts.context);
  } catch (error) {
    throw loadFailed(path, error);
  }
  return access ? staticApiAccess(access) : loadWithClientNode(opts);
}

/** The real client; throws `KubeError` (`Failed`) when the kubeconfig names no server. */
export function createKubeClient(opts: KubeClientOptions = {}): KubeClient {
  const transport = createTransport(loadApiAccess(opts), {
    timeoutMs: opts.timeoutMs ?? 30_000,
    maxConcurrent: opts.maxConcurrent ?? 32,
    logger: opts.logger,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  return buildClient({ transport, discovery: createDiscovery(transport) }, {});
}
