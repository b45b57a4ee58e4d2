/**
 * The dashboard's writes (suspend, resume, rollback to a history entry, unpin) and its two
 * computed reads (the diff between two history entries, the preview of a ref). Each write needs
 * `patch` on the Sync (SubjectAccessReview) and an operator that leads: a standby refuses it
 * (ADR 0030). A preview also needs `patch`: it fetches, renders and dry-runs with the operator's
 * rights, so it is offered to those who may change what the Sync applies.
 */
import type { Context, Hono } from 'hono';
import type { Access } from './access.ts';
import { err } from '../../core/index.ts';
import type { ActionFailure, DashboardActions, DashboardData, Identity } from './types.ts';
import { SYNCS } from './visibility.ts';

type Env = { Variables: { who: Identity } };

const STATUS = {
  NotFound: 404,
  Invalid: 400,
  Conflict: 409,
  Standby: 503,
  Busy: 429,
  Failed: 502,
} as const;

/** A branch, tag or commit sha: what `moor diff --ref` takes, and nothing a shell or Git reads as an option. */
const REF = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/@+-]{1,200}$/;
const MAX_BODY = 4096;

export function failed(c: Context, f: ActionFailure) {
  return c.json({ error: f.message, code: f.code }, STATUS[f.code]);
}

/** The standby's refusal, naming what was refused. */
export function standbyRefusal(what: string): ActionFailure {
  return {
    code: 'Standby',
    message: `${what}: refused, this operator is a standby (--leader-elect) and does not write; use the leading operator's dashboard`,
  };
}

async function bodyOf(c: Context): Promise<Record<string, unknown> | undefined> {
  const text = await c.req.text();
  if (text.length > MAX_BODY) return undefined;
  try {
    const parsed: unknown = JSON.parse(text || '{}');
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function registerActions(
  api: Hono<Env>,
  deps: { readonly data: DashboardData; readonly access: Access },
): void {
  const { data, access } = deps;
  const { actions } = data;
  const mayPatch = (c: Context<Env>, namespace: string, name: string) =>
    access.allowed(c.get('who'), { verb: 'patch', ...SYNCS, namespace, name }, c.req.raw.signal);
  const forbidden = (c: Context) => c.json({ error: 'forbidden by RBAC' }, 403);

  for (const [verb, suspend] of [
    ['suspend', true],
    ['resume', false],
  ] as const) {
    api.post(`/syncs/:namespace/:name/${verb}`, async (c) => {
      const { namespace, name } = c.req.param();
      if (!(await mayPatch(c, namespace, name))) return forbidden(c);
      if (actions.standby()) return failed(c, standbyRefusal(`${verb} Sync/${namespace}/${name}`));
      const done = await actions.setSuspended(namespace, name, suspend, c.req.raw.signal);
      return done.ok ? c.json({ suspended: suspend }) : failed(c, done.error);
    });
  }
  api.post('/syncs/:namespace/:name/rollback', async (c) => {
    const { namespace, name } = c.req.param();
    if (!(await mayPatch(c, namespace, name))) return forbidden(c);
    const subject = `rollback of Sync/${namespace}/${name}`;
    if (actions.standby()) return failed(c, standbyRefusal(subject));
    const body = await bodyOf(c);
    const startedAt = body?.startedAt;
    if (typeof startedAt !== 'string' || startedAt.length > 64)
      return failed(c, {
        code: 'Invalid',
        message: `${subject}: the body must be {"startedAt": "<the history entry's start>"}`,
      });
    const target = { namespace, name, startedAt, by: c.get('who').user };
    const pinned = await actions.rollbackTo(target, c.req.raw.signal);
    return pinned.ok ? c.json({ pinned: pinned.value }) : failed(c, pinned.error);
  });
  api.post('/syncs/:namespace/:name/unpin', async (c) => {
    const { namespace, name } = c.req.param();
    if (!(await mayPatch(c, namespace, name))) return forbidden(c);
    if (actions.standby()) return failed(c, standbyRefusal(`unpin of Sync/${namespace}/${name}`));
    const done = await actions.unpin(namespace, name, c.req.raw.signal);
    return done.ok ? c.json({ pinned: '' }) : failed(c, done.error);
  });
  registerReads(api, deps, mayPatch);
}

function registerReads(
  api: Hono<Env>,
  deps: { readonly data: DashboardData; readonly access: Access },
  mayPatch: (c: Context<Env>, namespace: string, name: string) => Promise<boolean>,
): void {
  const { data, access } = deps;
  api.get('/syncs/:namespace/:name/history/diff', async (c) => {
    const { namespace, name } = c.req.param();
    const signal = c.req.raw.signal;
    const question = { verb: 'get', ...SYNCS, namespace, name } as const;
    if (!(await access.allowed(c.get('who'), question, signal)))
      return c.json({ error: 'forbidden by RBAC' }, 403);
    const from = c.req.query('from') ?? '';
    const to = c.req.query('to') ?? '';
    if (!from || !to || from.length > 64 || to.length > 64)
      return failed(c, {
        code: 'Invalid',
        message: `history diff of Sync/${namespace}/${name}: give ?from=&to= (two entries' start times)`,
      });
    const diff = await data.actions.historyDiff({ namespace, name, from, to }, signal);
    return diff.ok ? c.json(diff.value) : failed(c, diff.error);
  });
  api.get('/syncs/:namespace/:name/preview', async (c) => {
    const { namespace, name } = c.req.param();
    if (!(await mayPatch(c, namespace, name))) return c.json({ error: 'forbidden by RBAC' }, 403);
    const ref = c.req.query('ref') ?? '';
    if (!REF.test(ref))
      return failed(c, {
        code: 'Invalid',
        message: `preview of Sync/${namespace}/${name}: ref ${JSON.stringify(ref.slice(0, 80))} is not a branch, tag or commit sha`,
      });
    const preview = await data.actions.preview({ namespace, name, ref }, c.req.raw.signal);
    return preview.ok ? c.json(preview.value) : failed(c, preview.error);
  });
}

/** Actions for a dashboard over data without an operator behind it (the benchmark's fleet): none. */
export function noActions(): DashboardActions {
  const none = () =>
    Promise.resolve(
      err<ActionFailure>({ code: 'Failed', message: 'no operator behind this data' }),
    );
  return {
    standby: () => false,
    setSuspended: none,
    rollbackTo: none,
    unpin: none,
    historyDiff: none,
    preview: none,
  };
}
