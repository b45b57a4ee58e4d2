/**
 * The dashboard's JSON API under `/api/v1/` (the CLI could read it too): every request carries a
 * bearer token (TokenReview) and each read or write is authorised with a SubjectAccessReview for
 * the resource it touches, so Kubernetes RBAC decides who sees which namespace.
 */
import { Hono, type Context } from 'hono';
import { compress } from 'hono/compress';
import type { KubeObject } from '../../core/index.ts';
import type { Access } from './access.ts';
import { registerActions, standbyRefusal, failed } from './actions.ts';
import { viewObject } from './object-view.ts';
import { streamChanges } from './stream.ts';
import { conditionsOf, historyOf, summarizeSource, summarizeSync } from './summary.ts';
import type { DashboardData, Identity, ObjectKey, SyncDetail, WhoAmI } from './types.ts';
import { EVENTS, SOURCES, SYNCS, filterVisible, visibilityFor } from './visibility.ts';

export const API_PREFIX = '/api/v1';
const MAX_EVENTS = 500;

type Env = { Variables: { who: Identity } };

export type DashboardDeps = {
  readonly data: DashboardData;
  readonly access: Access;
  readonly logger: { warn(obj: object, msg: string): void };
};

const forbidden = (c: Context) => c.json({ error: 'forbidden by RBAC' }, 403);

export function createDashboardApi(deps: DashboardDeps): Hono<Env> {
  const { data, access } = deps;
  const api = new Hono<Env>();
  api.use('*', async (c, next) => {
    const who = await access.authenticate(c.req.header('Authorization'), c.req.raw.signal);
    if (who === undefined) {
      c.header('WWW-Authenticate', 'Bearer');
      return c.json({ error: 'a valid bearer token is required' }, 401);
    }
    c.set('who', who);
    c.header('Cache-Control', 'no-store');
    await next();
  });
  api.get('/stream', (c) => streamChanges(c, { data, access, who: c.get('who') }));
  api.use('*', compress());

  api.get('/whoami', (c) =>
    c.json<WhoAmI>({
      user: c.get('who').user,
      insecureLocal: access.insecureLocal,
      standby: data.actions.standby(),
    }),
  );
  api.get('/gitrepositories', async (c) => {
    const visible = visibilityFor(access, c.get('who'), SOURCES, c.req.raw.signal);
    const items = await filterVisible(data.sources().map(summarizeSource), visible);
    return c.json(pageOf(sortByName(items), c));
  });
  api.get('/syncs', async (c) => {
    const visible = visibilityFor(access, c.get('who'), SYNCS, c.req.raw.signal);
    const items = await filterVisible(data.syncs().map(summarizeSync), visible);
    return c.json(pageOf(sortByName(items), c));
  });
  api.get('/syncs/:namespace/:name', async (c) => {
    const { namespace, name } = c.req.param();
    const signal = c.req.raw.signal;
    const who = c.get('who');
    if (!(await access.allowed(who, { verb: 'get', ...SYNCS, namespace, name }, signal)))
      return forbidden(c);
    const sync = data.sync(namespace, name);
    if (sync === undefined) return c.json({ error: `Sync/${namespace}/${name} not found` }, 404);
    const patch = { verb: 'patch', ...SYNCS, namespace, name } as const;
    const detail: SyncDetail = {
      summary: summarizeSync(sync),
      conditions: conditionsOf(sync),
      driftSince: driftSinceOf(sync),
      objects: await data.objects(sync, signal),
      history: historyOf(sync),
      canReconcile: await access.allowed(who, patch, signal),
      standby: data.actions.standby(),
    };
    return c.json(detail);
  });
  registerObjectRoute(api, deps);
  registerRest(api, deps);
  registerActions(api, deps);
  return api;
}

function registerObjectRoute(api: Hono<Env>, deps: DashboardDeps): void {
  const { data, access } = deps;
  api.get('/syncs/:namespace/:name/object', async (c) => {
    const { namespace, name } = c.req.param();
    const signal = c.req.raw.signal;
    const who = c.get('who');
    const key: ObjectKey = {
      apiVersion: c.req.query('apiVersion') ?? '',
      kind: c.req.query('kind') ?? '',
      namespace: c.req.query('namespace') ?? '',
      name: c.req.query('name') ?? '',
    };
    const sync = data.sync(namespace, name);
    if (!(await access.allowed(who, { verb: 'get', ...SYNCS, namespace, name }, signal)))
      return forbidden(c);
    const resource = await data.resourceOf(key.apiVersion, key.kind, signal);
    if (sync === undefined || resource === undefined)
      return c.json({ error: `${key.kind}/${key.namespace}/${key.name} not found` }, 404);
    const question = { verb: 'get', ...resource, namespace: key.namespace || undefined } as const;
    if (!(await access.allowed(who, { ...question, name: key.name }, signal))) return forbidden(c);
    const live = await data.object(sync, key, signal);
    if (live === undefined)
      return c.json({ error: `${key.kind}/${key.namespace}/${key.name} is not live` }, 404);
    const node = (await data.objects(sync, signal)).find(
      (n) => n.kind === key.kind && n.namespace === key.namespace && n.name === key.name,
    );
    return c.json(viewObject(node?.id ?? '', live, node?.drift ?? []));
  });
}

function registerRest(api: Hono<Env>, deps: DashboardDeps): void {
  const { data, access } = deps;
  api.post('/syncs/:namespace/:name/reconcile', async (c) => {
    const { namespace, name } = c.req.param();
    const signal = c.req.raw.signal;
    if (!(await access.allowed(c.get('who'), { verb: 'patch', ...SYNCS, namespace, name }, signal)))
      return forbidden(c);
    if (data.actions.standby())
      return failed(c, standbyRefusal(`reconcile of Sync/${namespace}/${name}`));
    const requested = await data.requestReconcile(namespace, name, signal);
    if (!requested.ok) return c.json({ error: requested.error.message }, 409);
    return c.json({ requestedAt: requested.value });
  });
  api.get('/events', async (c) => {
    const namespace = c.req.query('namespace') || undefined;
    const limit = Math.min(MAX_EVENTS, Number(c.req.query('limit') ?? MAX_EVENTS) || MAX_EVENTS);
    const visible = visibilityFor(access, c.get('who'), EVENTS, c.req.raw.signal);
    if (namespace !== undefined && !(await visible(namespace))) return forbidden(c);
    const rows = await data.events(namespace, limit, c.req.raw.signal);
    return c.json({ items: await filterVisible(rows, visible) });
  });
}

/** `?limit=N&continue=T`: one page of a sorted list and where the next one starts. */
export function pageOf<T>(items: readonly T[], c: Context): { items: T[]; continue?: string } {
  const limit = Number(c.req.query('limit') ?? '');
  const from = Math.max(0, Number(c.req.query('continue') ?? '0') || 0);
  if (!Number.isSafeInteger(limit) || limit < 1) return { items: items.slice(from) };
  const to = from + limit;
  return to < items.length
    ? { items: items.slice(from, to), continue: String(to) }
    : { items: items.slice(from) };
}

function driftSinceOf(sync: KubeObject): string | undefined {
  const status = sync.status as { drift?: { since?: unknown } } | undefined;
  return typeof status?.drift?.since === 'string' ? status.drift.since : undefined;
}

function sortByName<T extends { namespace: string; name: string }>(items: T[]): T[] {
  return items.sort(
    (a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
  );
}
