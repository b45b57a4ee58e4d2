// One function per API verb: the REST path, the request and how its answer reads. The client
// (client.ts) binds them to its transport, discovery and identity.
import {
  err,
  formatObjectId,
  ok,
  parseApiVersion,
  type KubeObject,
  type Result,
} from '../core/index.ts';
import type { Discovery } from './discovery.ts';
import { KubeError } from './errors.ts';
import { collectionPath, objectPath, withQuery } from './paths.ts';
import type { HttpRequest, Transport } from './transport.ts';
import type {
  ApplyOptions,
  DeleteOptions,
  ListOptions,
  ListResult,
  ObjectRef,
  ResourceInfo,
  WatchEvent,
  WatchOptions,
} from './types.ts';
import { WATCH_TIMEOUT_SECONDS, consumeWatchStream } from './watch.ts';

const APPLY_PATCH = 'application/apply-patch+yaml';
const MERGE_PATCH = 'application/merge-patch+json';
const JSON_TYPE = 'application/json';
const PAGE_SIZE = 500;
const MAX_PAGES = 10_000;
const MISSING_RESOURCE = 'the server could not find the requested resource';

export type Shared = { readonly transport: Transport; readonly discovery: Discovery };
type Target = { readonly info: ResourceInfo; readonly subject: string; readonly path: string };

function refSubject(ref: ObjectRef): string {
  const { group } = parseApiVersion(ref.apiVersion);
  return formatObjectId({ group, kind: ref.kind, namespace: ref.namespace ?? '', name: ref.name });
}

export function collectionSubject(
  apiVersion: string,
  kind: string,
  namespace: string | undefined,
): string {
  const { group } = parseApiVersion(apiVersion);
  const name = group ? `${kind}.${group}` : kind;
  return namespace ? `${name} in namespace ${namespace}` : `${name} (all namespaces)`;
}

export function refOf(obj: KubeObject): ObjectRef {
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

/** What every method of one client uses: the shared transport and discovery, its identity. */
export type Ctx = {
  readonly shared: Shared;
  readonly identity: Readonly<Record<string, string>>;
};

type ObjectResult = Promise<Result<KubeObject, KubeError>>;

async function send(c: Ctx, req: HttpRequest, apiVersion: string, signal: AbortSignal) {
  const { transport, discovery } = c.shared;
  const res = await transport.requestJson({ ...req, headers: c.identity }, signal);
  if (!res.ok && res.error.data.serverMessage === MISSING_RESOURCE) discovery.forget(apiVersion);
  return res;
}

/** Resolves the REST path of one object (optionally a subresource). */
async function target(
  c: Ctx,
  ref: ObjectRef,
  verb: string,
  subresource?: string,
): Promise<Result<Target, KubeError>> {
  const subject = refSubject(ref);
  const info = await c.shared.discovery.resolveKind(ref.apiVersion, ref.kind);
  if (!info.ok) return info;
  if (!ref.name) return err(invalid(verb, subject, 'metadata.name is required'));
  if (info.value.namespaced && !ref.namespace) {
    return err(invalid(verb, subject, `${ref.kind} is namespaced: metadata.namespace is required`));
  }
  const path = objectPath(info.value, ref.namespace, ref.name, subresource);
  return ok({ info: info.value, subject, path });
}

const withKind = (apiVersion: string, kind: string, items: unknown): KubeObject[] =>
  Array.isArray(items) ? items.map((item: KubeObject) => ({ ...item, apiVersion, kind })) : [];

export async function applyObject(
  c: Ctx,
  obj: KubeObject,
  opts: ApplyOptions,
  signal: AbortSignal,
): ObjectResult {
  const t = await target(c, refOf(obj), 'apply');
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
  const res = await send(c, req, obj.apiVersion, signal);
  return res.ok ? ok(asObject(res.value.body)) : res;
}

export async function getObject(
  c: Ctx,
  ref: ObjectRef,
  signal: AbortSignal,
): Promise<Result<KubeObject | undefined, KubeError>> {
  const t = await target(c, ref, 'get');
  if (!t.ok) return t;
  const res = await send(
    c,
    { method: 'GET', path: t.value.path, verb: 'get', subject: t.value.subject },
    ref.apiVersion,
    signal,
  );
  if (res.ok) return ok(asObject(res.value.body));
  return res.error.code === 'NotFound' ? ok(undefined) : res;
}

export async function listObjects(
  c: Ctx,
  apiVersion: string,
  kind: string,
  opts: ListOptions,
  signal: AbortSignal,
): Promise<Result<ListResult, KubeError>> {
  const info = await c.shared.discovery.resolveKind(apiVersion, kind);
  if (!info.ok) return info;
  const subject = collectionSubject(apiVersion, kind, opts.namespace);
  const base = collectionPath(info.value, opts.namespace);
  const items: KubeObject[] = [];
  let cont: string | undefined;
  const limit = String(Math.max(1, Math.floor(opts.pageSize ?? PAGE_SIZE)));
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = { labelSelector: opts.labelSelector, limit, continue: cont };
    const res = await send(
      c,
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
}

export async function deleteObject(
  c: Ctx,
  ref: ObjectRef,
  opts: DeleteOptions,
  signal: AbortSignal,
): Promise<Result<'deleted' | 'notFound', KubeError>> {
  const t = await target(c, ref, 'delete');
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
  const res = await send(c, req, ref.apiVersion, signal);
  if (res.ok) return ok('deleted');
  return res.error.code === 'NotFound' ? ok('notFound') : res;
}

export async function watchObjects(
  c: Ctx,
  what: { readonly apiVersion: string; readonly kind: string; readonly opts: WatchOptions },
  onEvent: (e: WatchEvent) => void,
  signal: AbortSignal,
): Promise<Result<void, KubeError>> {
  const { apiVersion, kind, opts } = what;
  const { transport, discovery } = c.shared;
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
    { method: 'GET', path, verb: 'watch', subject, headers: c.identity },
    signal,
  );
  if (!stream.ok) {
    if (stream.error.data.serverMessage === MISSING_RESOURCE) discovery.forget(apiVersion);
    return stream.error.code === 'Aborted' ? ok(undefined) : stream;
  }
  return consumeWatchStream(stream.value, subject, onEvent, signal);
}

export async function patchStatus(
  c: Ctx,
  ref: ObjectRef,
  status: Record<string, unknown>,
  opts: { readonly fieldManager: string },
  signal: AbortSignal,
): ObjectResult {
  const t = await target(c, ref, 'apply status', 'status');
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
  const res = await send(c, req, ref.apiVersion, signal);
  return res.ok ? ok(asObject(res.value.body)) : res;
}

export async function mergePatch(
  c: Ctx,
  ref: ObjectRef,
  patch: Record<string, unknown>,
  signal: AbortSignal,
): ObjectResult {
  const t = await target(c, ref, 'merge-patch');
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
  const res = await send(c, req, ref.apiVersion, signal);
  return res.ok ? ok(asObject(res.value.body)) : res;
}

export async function createObject(c: Ctx, obj: KubeObject, signal: AbortSignal): ObjectResult {
  const ref = refOf(obj);
  const subject = refSubject(ref);
  const info = await c.shared.discovery.resolveKind(obj.apiVersion, obj.kind);
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
  const res = await send(c, req, obj.apiVersion, signal);
  return res.ok ? ok(asObject(res.value.body)) : res;
}

export async function updateObject(c: Ctx, obj: KubeObject, signal: AbortSignal): ObjectResult {
  const t = await target(c, refOf(obj), 'update');
  if (!t.ok) return t;
  const req: HttpRequest = {
    method: 'PUT',
    path: t.value.path,
    contentType: JSON_TYPE,
    body: JSON.stringify(obj),
    verb: 'update',
    subject: t.value.subject,
  };
  const res = await send(c, req, obj.apiVersion, signal);
  return res.ok ? ok(asObject(res.value.body)) : res;
}
