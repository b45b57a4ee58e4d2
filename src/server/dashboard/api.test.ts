/* eslint-disable @typescript-eslint/require-await -- fakes of async interfaces */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { err, ok, type KubeObject } from '../../core/index.ts';
import { createAccess, isLoopbackHost } from './access.ts';
import { mountDashboard } from './mount.ts';
import { loadUiAssets } from './static.ts';
import type { AccessQuestion, DashboardChange, DashboardData, Identity } from './types.ts';

const syncOf = (namespace: string, name: string, ready = 'True'): KubeObject => ({
  apiVersion: 'moor.dev/v1alpha1',
  kind: 'Sync',
  metadata: { namespace, name },
  spec: { sourceRef: { name: 'src' }, path: './' },
  status: {
    lastAppliedRevision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
    conditions: [
      {
        type: 'Ready',
        status: ready,
        reason: 'Applied',
        message: 'ok',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ],
    inventory: {
      entries: [{ group: '', kind: 'Secret', namespace, name: 'creds', version: 'v1' }],
    },
  },
});

const secret: KubeObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {
    namespace: 'a',
    name: 'creds',
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"p":"c2VjcmV0"}}',
    },
  },
  data: { password: 'c2VjcmV0' },
};

/** Tokens: `alice` may read namespace a (and patch a/one); `root` may do everything. */
function setUp() {
  const listeners = new Set<(c: DashboardChange) => void>();
  const reconciled: string[] = [];
  const acted: string[] = [];
  const state = { standby: false };
  const syncs = [syncOf('a', 'one'), syncOf('b', 'two', 'False')];
  const data: DashboardData = {
    sources: () => [],
    syncs: () => syncs,
    sync: (ns, name) => syncs.find((s) => s.metadata.namespace === ns && s.metadata.name === name),
    objects: async () => [
      {
        id: '/Secret/a/creds',
        depth: 0,
        apiVersion: 'v1',
        kind: 'Secret',
        namespace: 'a',
        name: 'creds',
        health: 'Current',
        healthMessage: '',
        drifted: false,
        deleted: false,
        drift: [],
      },
    ],
    object: async () => secret,
    events: async () => [],
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    resourceOf: async (_v, kind) => ({ group: '', resource: `${kind.toLowerCase()}s` }),
    requestReconcile: async (ns, name) => {
      reconciled.push(`${ns}/${name}`);
      return ns === 'a' ? ok('2026-01-01T00:00:00.000Z') : err(new Error('suspended'));
    },
    actions: {
      standby: () => state.standby,
      setSuspended: async (ns, name, suspend) => {
        acted.push(`${suspend ? 'suspend' : 'resume'} ${ns}/${name}`);
        return ok(undefined);
      },
      rollbackTo: async (t) => {
        acted.push(`rollback ${t.namespace}/${t.name} ${t.startedAt} by ${t.by}`);
        return ok('main@sha1:0123456789abcdef0123456789abcdef01234567');
      },
      unpin: async (ns, name) => {
        acted.push(`unpin ${ns}/${name}`);
        return err({ code: 'Conflict', message: `Sync/${ns}/${name} is not pinned` });
      },
      historyDiff: async (t) => {
        acted.push(`diff ${t.from} ${t.to}`);
        return err({ code: 'NotFound', message: 'no apply started at that time' });
      },
      preview: async (t) => {
        acted.push(`preview ${t.ref}`);
        return ok({ revision: t.ref, create: [], change: [], prune: [], unchanged: 1, failed: [] });
      },
    },
  };
  const asked: AccessQuestion[] = [];
  const users: Record<string, Identity> = {
    alice: { user: 'alice', groups: [] },
    root: { user: 'root', groups: [] },
  };
  const access = createAccess({
    insecureLocal: false,
    now: () => 0,
    reviews: {
      reviewToken: async (token) => ok(users[token]),
      reviewAccess: async (who, q) => {
        asked.push(q);
        if (who.user === 'root') return ok(true);
        if (q.namespace !== 'a') return ok(false);
        return ok(q.verb !== 'patch' || q.name === 'one');
      },
    },
  });
  const app = new Hono();
  mountDashboard(app, { data, access, logger: { warn: () => undefined } });
  const get = (path: string, token?: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return {
    app,
    get,
    acted,
    state,
    reconciled,
    asked,
    emit: (c: DashboardChange) => listeners.forEach((l) => l(c)),
  };
}

test('the API refuses a request without a token, or with one the TokenReview does not know', async () => {
  const { get } = setUp();
  assert.equal((await get('/api/v1/syncs')).status, 401);
  assert.equal((await get('/api/v1/syncs', 'mallory')).status, 401);
  assert.equal((await get('/api/v1/syncs', 'alice')).status, 200);
});

test('each identity sees the namespaces its RBAC lets it list, and patches only what it may', async () => {
  const { get, reconciled } = setUp();
  const names = async (token: string) =>
    ((await (await get('/api/v1/syncs', token)).json()) as { items: { name: string }[] }).items.map(
      (i) => i.name,
    );
  assert.deepEqual(await names('alice'), ['one']);
  assert.deepEqual(await names('root'), ['one', 'two']);
  const first = (await (await get('/api/v1/syncs?limit=1', 'root')).json()) as {
    items: { name: string }[];
    continue?: string;
  };
  assert.deepEqual([first.items.map((i) => i.name), first.continue], [['one'], '1']);
  const second = (await (await get('/api/v1/syncs?limit=1&continue=1', 'root')).json()) as {
    items: { name: string }[];
    continue?: string;
  };
  assert.deepEqual([second.items.map((i) => i.name), second.continue], [['two'], undefined]);
  assert.equal((await get('/api/v1/syncs/b/two', 'alice')).status, 403);
  const detail = (await (await get('/api/v1/syncs/a/one', 'alice')).json()) as {
    canReconcile: boolean;
  };
  assert.equal(detail.canReconcile, true);
  assert.equal((await get('/api/v1/syncs/b/two', 'alice', { method: 'POST' })).status, 404);
  assert.equal(
    (await get('/api/v1/syncs/b/two/reconcile', 'alice', { method: 'POST' })).status,
    403,
  );
  assert.deepEqual(reconciled, [], 'a refused request changes nothing');
  assert.equal(
    (await get('/api/v1/syncs/a/one/reconcile', 'alice', { method: 'POST' })).status,
    200,
  );
  assert.equal(
    (await get('/api/v1/syncs/b/two/reconcile', 'root', { method: 'POST' })).status,
    409,
  );
  assert.deepEqual(reconciled, ['a/one', 'b/two']);
});

test('writes need patch on the Sync and a leading operator; bad input is refused before any', async () => {
  const { get, acted, state } = setUp();
  const post = (path: string, token: string, body?: unknown) =>
    get(`/api/v1/syncs/${path}`, token, {
      method: 'POST',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  // Cases: [request, status]; none of the refused ones reaches the actions.
  const refused: [() => Response | Promise<Response>, number][] = [
    [() => post('b/two/suspend', 'alice'), 403],
    [() => post('b/two/rollback', 'alice', { startedAt: '2026-01-01T00:00:00Z' }), 403],
    [() => post('a/one/rollback', 'alice', { startedAt: 42 }), 400],
    [() => post('a/one/rollback', 'alice', { startedAt: 'x'.repeat(100) }), 400],
    [() => post('a/one/rollback', 'alice', ['not', 'an', 'object']), 400],
    [() => get('/api/v1/syncs/a/one/preview?ref=--upload-pack=evil', 'alice'), 400],
    [() => get('/api/v1/syncs/a/one/preview?ref=main/../../etc', 'alice'), 400],
    [() => get('/api/v1/syncs/a/one/preview', 'alice'), 400],
    [() => get('/api/v1/syncs/b/two/preview?ref=main', 'alice'), 403],
    [() => get('/api/v1/syncs/b/two/history/diff?from=a&to=b', 'alice'), 403],
    [() => get('/api/v1/syncs/a/one/history/diff?from=a', 'alice'), 400],
  ];
  for (const [request, status] of refused) assert.equal((await request()).status, status);
  assert.deepEqual(acted, []);
  assert.equal((await post('a/one/suspend', 'alice')).status, 200);
  assert.equal((await post('a/one/resume', 'alice')).status, 200);
  const rolled = await post('a/one/rollback', 'alice', { startedAt: '2026-01-01T00:00:00Z' });
  assert.equal(rolled.status, 200);
  const unpinned = await post('a/one/unpin', 'alice');
  assert.equal(unpinned.status, 409);
  assert.match(((await unpinned.json()) as { error: string }).error, /is not pinned/);
  assert.equal((await get('/api/v1/syncs/a/one/preview?ref=feature/x', 'alice')).status, 200);
  assert.equal((await get('/api/v1/syncs/a/one/history/diff?from=a&to=b', 'alice')).status, 404);
  assert.deepEqual(acted, [
    'suspend a/one',
    'resume a/one',
    'rollback a/one 2026-01-01T00:00:00Z by alice',
    'unpin a/one',
    'preview feature/x',
    'diff a b',
  ]);
  // A standby answers reads and refuses every write with a message saying why.
  state.standby = true;
  acted.length = 0;
  assert.equal((await get('/api/v1/syncs/a/one', 'alice')).status, 200);
  const me = (await (await get('/api/v1/whoami', 'alice')).json()) as { standby: boolean };
  assert.equal(me.standby, true);
  for (const path of ['a/one/suspend', 'a/one/resume', 'a/one/unpin', 'a/one/reconcile']) {
    const res = await post(path, 'alice', { startedAt: '2026-01-01T00:00:00Z' });
    assert.equal(res.status, 503, path);
    assert.match(((await res.json()) as { error: string }).error, /standby/);
  }
  assert.deepEqual(acted, []);
});

test('a Secret is shown with every value masked, its last-applied annotation too', async () => {
  const { get } = setUp();
  const res = await get(
    '/api/v1/syncs/a/one/object?apiVersion=v1&kind=Secret&namespace=a&name=creds',
    'alice',
  );
  const body = await res.text();
  assert.equal(res.status, 200);
  assert.ok(!body.includes('c2VjcmV0'), body);
  assert.ok(body.includes('password: \\"***\\"') || body.includes('password: ***'), body);
});

test('the stream sends each change at once, only to those who may read its namespace', async () => {
  const { get, emit } = setUp();
  const res = await get('/api/v1/stream', 'alice');
  assert.equal(res.headers.get('Content-Type'), 'text/event-stream');
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  emit({ kind: 'Sync', type: 'upsert', obj: syncOf('b', 'two') });
  emit({ kind: 'Sync', type: 'upsert', obj: syncOf('a', 'one', 'False') });
  let text = '';
  while (!text.includes('"name":"one"')) text += (await reader.read()).value ?? '';
  await reader.cancel();
  assert.match(text, /event: sync\ndata: \{"namespace":"a","name":"one"/);
  assert.ok(!text.includes('"name":"two"'), "namespace b is not alice's to see");
});

test('the built files: hashed assets cached for a year and compressed, the page revalidated', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'moor-ui-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Moor</title>');
  const js = `console.log(${JSON.stringify('x'.repeat(4000))});`;
  await writeFile(join(dir, 'assets', 'index-abc123.js'), js);
  const assets = await loadUiAssets(dir);
  const app = new Hono();
  const { access } = {
    access: createAccess({
      insecureLocal: true,
      now: () => 0,
      reviews: { reviewToken: async () => ok(undefined), reviewAccess: async () => ok(false) },
    }),
  };
  mountDashboard(app, {
    data: setUp().app as never,
    access,
    assets,
    logger: { warn: () => undefined },
  });
  const asset = await app.request('/ui/assets/index-abc123.js', {
    headers: { 'Accept-Encoding': 'gzip' },
  });
  assert.equal(asset.headers.get('Cache-Control'), 'public, max-age=31536000, immutable');
  assert.equal(asset.headers.get('Content-Encoding'), 'gzip');
  assert.equal(gunzipSync(Buffer.from(await asset.arrayBuffer())).toString(), js);
  const page = await app.request('/ui/');
  assert.equal(page.headers.get('Cache-Control'), 'no-cache');
  assert.match(page.headers.get('Content-Security-Policy') ?? '', /default-src 'self'/);
  assert.equal((await app.request('/ui/assets/missing.js')).status, 404);
  assert.equal((await app.request('/ui/syncs/deep/link')).status, 200, 'page routes get the page');
});

test('--ui-insecure-local: loopback addresses only', () => {
  const cases: [string | undefined, boolean][] = [
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['[::1]', true],
    ['localhost', true],
    ['0.0.0.0', false],
    [undefined, false],
    ['10.0.0.1', false],
    ['::', false],
    ['127.0.0.1.example.com', false],
  ];
  for (const [host, loopback] of cases) assert.equal(isLoopbackHost(host), loopback, String(host));
});
