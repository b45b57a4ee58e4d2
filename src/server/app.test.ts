import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import {
  bindServer,
  createServerApp,
  parseListenAddress,
  startServer,
  type ServerDeps,
} from './app.ts';
import { ServerAddressError } from './errors.ts';
import { createMetrics } from './metrics.ts';
import { webhookPathFor } from './receivers.ts';
import type { Logger, ReceiverResource, ReceiverTarget } from './types.ts';

type LogLine = { level: string; fields: Record<string, unknown>; msg: string };

/** A pino-shaped logger that keeps what it is told. */
function recordingLogger(lines: LogLine[], bindings: Record<string, unknown> = {}): Logger {
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      const fields = typeof obj === 'string' ? {} : (obj as Record<string, unknown>);
      lines.push({
        level,
        fields: { ...bindings, ...fields },
        msg: typeof obj === 'string' ? obj : (msg ?? ''),
      });
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}

const receivers: readonly ReceiverTarget[] = [
  {
    namespace: 'apps',
    name: 'from-github',
    type: 'github',
    token: 'gh-token',
    resources: [
      { kind: 'GitRepository', name: 'web' },
      { kind: 'GitRepository', name: 'infra', namespace: 'platform' },
    ],
  },
  {
    namespace: 'apps',
    name: 'from-gitlab',
    type: 'gitlab',
    token: 'gl-token',
    resources: [{ kind: 'GitRepository', name: 'web' }],
  },
  {
    namespace: 'apps',
    name: 'from-gitea',
    type: 'gitea',
    token: 'gt-token',
    resources: [{ kind: 'GitRepository', name: 'web' }],
  },
  {
    namespace: 'ci',
    name: 'generic',
    type: 'generic',
    token: 'gen-token',
    resources: [{ kind: 'GitRepository', name: 'tools' }],
  },
];

const pathOf = (r: ReceiverTarget) => webhookPathFor(r, r.token);
const byName = (name: string): ReceiverTarget => {
  const found = receivers.find((r) => r.name === name);
  assert.ok(found);
  return found;
};
const sign = (body: string, token: string) =>
  createHmac('sha256', token).update(body).digest('hex');

type Harness = {
  url: string;
  received: Array<{ receiver: string; resources: readonly ReceiverResource[] }>;
  logs: LogLine[];
  deps: ServerDeps;
  setReady(value: boolean): void;
};

async function startHarness(t: TestContext): Promise<Harness> {
  const received: Harness['received'] = [];
  const logs: LogLine[] = [];
  let ready = false;
  const metrics = createMetrics({ processMetrics: false });
  metrics.observeReconcile({ kind: 'Sync', result: 'success', durationSeconds: 1.5 });
  metrics.setObjects({ namespace: 'apps', sync: 'web', inSync: 4, drifted: 1 });
  metrics.observeApiRequests(() => new Map([['list', 7]]));
  const deps: ServerDeps = {
    logger: recordingLogger(logs),
    metrics,
    ready: () => ready,
    findReceiver: (path) => Promise.resolve(receivers.find((r) => pathOf(r) === path)),
    onReceive: (receiver, resources) => {
      received.push({ receiver: `${receiver.namespace}/${receiver.name}`, resources });
    },
  };
  const server = await startServer('127.0.0.1:0', createServerApp(deps));
  t.after(() => server.close());
  assert.match(server.address, /^127\.0\.0\.1:\d+$/);
  assert.notEqual(server.address, '127.0.0.1:0');
  return {
    url: `http://${server.address}`,
    received,
    logs,
    deps,
    setReady: (v) => {
      ready = v;
    },
  };
}

async function post(url: string, body: string | Uint8Array, headers: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, json: await res.json() };
}

test('health, readiness and metrics', async (t) => {
  const h = await startHarness(t);
  const health = await fetch(`${h.url}/healthz`);
  assert.equal(health.status, 200);
  assert.equal(await health.text(), 'ok');

  assert.equal((await fetch(`${h.url}/readyz`)).status, 503);
  h.setReady(true);
  assert.equal((await fetch(`${h.url}/readyz`)).status, 200);

  const res = await fetch(`${h.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(text, /^moor_reconcile_total\{kind="Sync",result="success"\} 1$/m);
  assert.match(text, /^moor_reconcile_duration_seconds_sum\{kind="Sync",result="success"\} 1.5$/m);
  assert.match(text, /^moor_objects\{namespace="apps",sync="web",state="drifted"\} 1$/m);
  assert.match(text, /^moor_api_requests_total\{verb="list"\} 7$/m);
  assert.match(text, /^# HELP moor_alert_deliveries_total /m);
  assert.match(text, /^# HELP moor_commit_to_converged_seconds /m);

  assert.equal((await fetch(`${h.url}/nope`)).status, 404);
});

test('a GitHub push signed with the token triggers its resources', async (t) => {
  const h = await startHarness(t);
  const gh = byName('from-github');
  const body = JSON.stringify({ ref: 'refs/heads/main', after: 'a'.repeat(40) });
  const res = await post(h.url + pathOf(gh), body, {
    'content-type': 'application/json',
    'X-GitHub-Event': 'push',
    'X-Hub-Signature-256': `sha256=${sign(body, gh.token)}`,
  });
  assert.deepEqual(res, { status: 200, json: { triggered: 2 } });
  assert.deepEqual(h.received, [
    {
      receiver: 'apps/from-github',
      resources: [
        { kind: 'GitRepository', name: 'web', namespace: 'apps' },
        { kind: 'GitRepository', name: 'infra', namespace: 'platform' },
      ],
    },
  ]);
});

test('a forged GitHub push is refused, logged, and triggers nothing', async (t) => {
  const h = await startHarness(t);
  const gh = byName('from-github');
  const body = JSON.stringify({ ref: 'refs/heads/main' });
  const cases: ReadonlyArray<Record<string, string>> = [
    { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': `sha256=${sign(body, 'guessed')}` },
    { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': `sha256=${sign(`${body} `, gh.token)}` },
    { 'X-GitHub-Event': 'push' },
  ];
  for (const headers of cases) {
    const res = await post(h.url + pathOf(gh), body, headers);
    assert.equal(res.status, 401, JSON.stringify(headers));
  }
  assert.deepEqual(h.received, []);
  const warnings = h.logs.filter((l) => l.level === 'warn');
  assert.equal(warnings.length, 3);
  for (const w of warnings) {
    assert.equal(w.fields['receiver'], 'Receiver/apps/from-github');
    assert.match(String(w.fields['reason']), /X-Hub-Signature-256/);
  }
  assert.match(String(warnings[2]?.fields['reason']), /missing/);
});

test('a GitHub ping is answered but triggers nothing', async (t) => {
  const h = await startHarness(t);
  const gh = byName('from-github');
  const body = JSON.stringify({ zen: 'Keep it logically awesome.' });
  const res = await post(h.url + pathOf(gh), body, {
    'X-GitHub-Event': 'ping',
    'X-Hub-Signature-256': `sha256=${sign(body, gh.token)}`,
  });
  assert.deepEqual(res, { status: 200, json: { triggered: 0 } });
  assert.deepEqual(h.received, []);
});

test('GitLab token header, Gitea and generic signatures', async (t) => {
  const h = await startHarness(t);
  const body = '{"object_kind":"push"}';
  const gl = byName('from-gitlab');
  assert.deepEqual(
    await post(h.url + pathOf(gl), body, {
      'X-Gitlab-Event': 'Push Hook',
      'X-Gitlab-Token': gl.token,
    }),
    { status: 200, json: { triggered: 1 } },
  );
  assert.equal(
    (
      await post(h.url + pathOf(gl), body, {
        'X-Gitlab-Event': 'Push Hook',
        'X-Gitlab-Token': 'gh-token',
      })
    ).status,
    401,
  );

  const gt = byName('from-gitea');
  assert.deepEqual(
    await post(h.url + pathOf(gt), body, {
      'X-Gitea-Event': 'push',
      'X-Gitea-Signature': sign(body, gt.token),
    }),
    { status: 200, json: { triggered: 1 } },
  );
  assert.equal(
    (
      await post(h.url + pathOf(gt), body, {
        'X-Gitea-Event': 'push',
        'X-Gitea-Signature': sign(body, gl.token),
      })
    ).status,
    401,
  );

  const gen = byName('generic');
  assert.deepEqual(
    await post(h.url + pathOf(gen), body, {
      'X-Moor-Signature': `sha256=${sign(body, gen.token)}`,
    }),
    { status: 200, json: { triggered: 1 } },
  );
  assert.equal(
    (await post(h.url + pathOf(gen), body, { 'X-Moor-Signature': sign(body, gen.token) })).status,
    401,
  );

  assert.deepEqual(
    h.received.map((r) => r.receiver),
    ['apps/from-gitlab', 'apps/from-gitea', 'ci/generic'],
  );
  assert.deepEqual(h.received[2]?.resources, [
    { kind: 'GitRepository', name: 'tools', namespace: 'ci' },
  ]);
});

test('an unknown hook path is 404 and an oversize body is 413', async (t) => {
  const h = await startHarness(t);
  const gh = byName('from-github');
  const unknown = await post(`${h.url}/hook/${'0'.repeat(64)}`, '{}', {
    'X-GitHub-Event': 'push',
    'X-Hub-Signature-256': `sha256=${sign('{}', gh.token)}`,
  });
  assert.equal(unknown.status, 404);

  // Signed correctly, so only the size can be the reason.
  const big = `{"pad":"${'x'.repeat(1024 * 1024)}"}`;
  const headers = {
    'X-GitHub-Event': 'push',
    'X-Hub-Signature-256': `sha256=${sign(big, gh.token)}`,
  };
  assert.equal((await post(h.url + pathOf(gh), big, headers)).status, 413);

  // Without a Content-Length (chunked), the limit still holds.
  const chunked = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(big));
      controller.close();
    },
  });
  const res = await fetch(h.url + pathOf(gh), {
    method: 'POST',
    body: chunked,
    headers,
    duplex: 'half',
  });
  assert.equal(res.status, 413);
  await res.body?.cancel();
  assert.deepEqual(h.received, []);
});

test('a failing onReceive answers 500 and is logged', async (t) => {
  const logs: LogLine[] = [];
  const gh = byName('from-github');
  const app = createServerApp({
    logger: recordingLogger(logs),
    metrics: createMetrics({ processMetrics: false }),
    ready: () => true,
    findReceiver: () => gh,
    onReceive: () => Promise.reject(new Error('API server unavailable')),
  });
  const server = await startServer('127.0.0.1:0', app);
  t.after(() => server.close());
  const body = '{}';
  const res = await post(`http://${server.address}${pathOf(gh)}`, body, {
    'X-GitHub-Event': 'push',
    'X-Hub-Signature-256': `sha256=${sign(body, gh.token)}`,
  });
  assert.equal(res.status, 500);
  assert.ok(logs.some((l) => l.level === 'error' && /failed/.test(l.msg)));
});

test('parseListenAddress accepts host:port forms and refuses the rest', () => {
  const cases: ReadonlyArray<[string, { host: string | undefined; port: number } | undefined]> = [
    ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    [':9090', { host: undefined, port: 9090 }],
    ['[::1]:443', { host: '::1', port: 443 }],
    ['127.0.0.1', undefined],
    ['127.0.0.1:70000', undefined],
    ['::1:80', undefined],
    ['host:http', undefined],
  ];
  for (const [input, want] of cases) {
    const got = parseListenAddress(input);
    if (want === undefined) {
      assert.equal(got.ok, false, input);
      if (!got.ok) assert.match(got.error.message, new RegExp(input.replace(/[[\]]/g, '\\$&')));
    } else {
      assert.deepEqual(got, { ok: true, value: want }, input);
    }
  }
});

test('startServer refuses a bad address and a port in use', async (t) => {
  await assert.rejects(
    startServer('nowhere', createServerApp(minimalDeps())),
    /HTTP address "nowhere"/,
  );
  const first = await startServer('127.0.0.1:0', createServerApp(minimalDeps()));
  t.after(() => first.close());
  await assert.rejects(startServer(first.address, createServerApp(minimalDeps())), /EADDRINUSE/);
});

test('a busy address is a ServerAddressError naming the address, not a raw listen error', async (t) => {
  const first = await startServer('127.0.0.1:0', createServerApp(minimalDeps()));
  t.after(() => first.close());
  const error: unknown = await bindServer(first.address).then(
    () => assert.fail('listened twice on one address'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ServerAddressError, String(error));
  assert.equal(error.code, 'ListenFailed');
  assert.deepEqual(error.data, { address: first.address });
  assert.equal(
    error.message,
    `cannot listen on HTTP address ${first.address}: address already in use (EADDRINUSE)`,
  );
});

test('a bound server answers 503 until it is given its app', async (t) => {
  const bound = await bindServer('127.0.0.1:0');
  t.after(() => bound.close());
  const before = await fetch(`http://${bound.address}/healthz`);
  assert.equal(before.status, 503);
  await before.body?.cancel();
  const running = bound.serve(createServerApp(minimalDeps()));
  assert.equal(running.address, bound.address);
  const after = await fetch(`http://${bound.address}/healthz`);
  assert.equal(after.status, 200);
  assert.equal(await after.text(), 'ok');
});

function minimalDeps(): ServerDeps {
  return {
    logger: recordingLogger([]),
    metrics: createMetrics({ processMetrics: false }),
    ready: () => true,
    findReceiver: () => undefined,
    onReceive: () => undefined,
  };
}
