// The operator's HTTP server under abuse: replayed and stale deliveries, slow and oversized
// requests, and failures that must not leak details. All on 127.0.0.1.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { test, type TestContext } from 'node:test';
import { createServerApp, startServer, type ServerDeps } from './app.ts';
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from './limits.ts';
import { createMetrics } from './metrics.ts';
import { webhookPathFor } from './receivers.ts';
import { createReplayGuard } from './replay.ts';
import type { Logger, ReceiverTarget } from './types.ts';

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
};

const github: ReceiverTarget = {
  namespace: 'apps',
  name: 'from-github',
  type: 'github',
  token: 'gh-token',
  resources: [{ kind: 'GitRepository', name: 'web' }],
};
const generic: ReceiverTarget = {
  namespace: 'ci',
  name: 'generic',
  type: 'generic',
  token: 'gen-token',
  resources: [{ kind: 'GitRepository', name: 'tools' }],
};
const receivers = [github, generic];
const pathOf = (r: ReceiverTarget) => webhookPathFor(r, r.token);
const sign = (payload: string, token: string) =>
  createHmac('sha256', token).update(payload).digest('hex');

type Harness = {
  url: string;
  host: string;
  port: number;
  triggered: string[];
  clock: { now: number };
};

async function start(
  t: TestContext,
  overrides: Partial<ServerDeps> = {},
  limits: ServerLimits = DEFAULT_SERVER_LIMITS,
): Promise<Harness> {
  const triggered: string[] = [];
  const clock = { now: 1_700_000_000_000 };
  const deps: ServerDeps = {
    logger: silent,
    metrics: createMetrics({ processMetrics: false }),
    ready: () => true,
    findReceiver: (path) => receivers.find((r) => pathOf(r) === path),
    onReceive: (receiver) => {
      triggered.push(receiver.name);
    },
    replay: createReplayGuard({ windowMs: 300_000, maxEntries: 100, now: () => clock.now }),
    ...overrides,
  };
  const server = await startServer('127.0.0.1:0', createServerApp(deps), limits);
  t.after(() => server.close());
  const port = Number(server.address.split(':')[1]);
  return { url: `http://${server.address}`, host: '127.0.0.1', port, triggered, clock };
}

async function post(url: string, body: string, headers: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, json: await res.json() };
}

function githubHeaders(body: string, delivery: string): Record<string, string> {
  return {
    'X-GitHub-Event': 'push',
    'X-GitHub-Delivery': delivery,
    'X-Hub-Signature-256': `sha256=${sign(body, github.token)}`,
  };
}

test('a replayed GitHub delivery is refused with 409 and triggers once', async (t) => {
  const h = await start(t);
  const body = '{"ref":"refs/heads/main"}';
  const headers = githubHeaders(body, 'delivery-1');
  assert.deepEqual(await post(h.url + pathOf(github), body, headers), {
    status: 200,
    json: { triggered: 1 },
  });
  const again = await post(h.url + pathOf(github), body, headers);
  assert.equal(again.status, 409);
  assert.match(JSON.stringify(again.json), /delivery-1 .* already received/);
  const next = await post(h.url + pathOf(github), body, githubHeaders(body, 'delivery-2'));
  assert.equal(next.status, 200, 'a new delivery id gets through');
  assert.deepEqual(h.triggered, ['from-github', 'from-github']);
});

test('a generic delivery signed with a timestamp is refused once it is stale or replayed', async (t) => {
  const h = await start(t);
  const body = '{}';
  const signedAt = (seconds: number) => ({
    'X-Moor-Timestamp': String(seconds),
    'X-Moor-Signature': `sha256=${sign(`${seconds}.${body}`, generic.token)}`,
  });
  const nowSeconds = h.clock.now / 1000;
  const fresh = signedAt(nowSeconds - 10);
  assert.equal((await post(h.url + pathOf(generic), body, fresh)).status, 200);
  assert.equal((await post(h.url + pathOf(generic), body, fresh)).status, 409);
  const stale = await post(h.url + pathOf(generic), body, signedAt(nowSeconds - 301));
  assert.equal(stale.status, 401);
  assert.match(JSON.stringify(stale.json), /timestamp is more than 300s from now/);
  assert.deepEqual(h.triggered, ['generic']);
});

test('a failed delivery answers a short JSON error without details, and its redelivery gets through', async (t) => {
  let failures = 1;
  const triggered: string[] = [];
  const h = await start(t, {
    onReceive: (receiver) => {
      if (failures-- > 0) throw new Error('API server unavailable at /internal/path');
      triggered.push(receiver.name);
    },
  });
  const body = '{}';
  const headers = githubHeaders(body, 'delivery-9');
  const res = await fetch(h.url + pathOf(github), { method: 'POST', body, headers });
  assert.equal(res.status, 500);
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.equal(await res.text(), '{"error":"internal error"}');
  assert.deepEqual(await post(h.url + pathOf(github), body, headers), {
    status: 200,
    json: { triggered: 1 },
  });
  assert.deepEqual(triggered, ['from-github']);
});

/** Opens a raw connection; resolves with what the server sent once it closes the connection. */
function rawExchange(
  h: Harness,
  drive: (write: (text: string) => boolean) => void,
): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(h.port, h.host);
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => resolve({ answer, closedAfterMs: Date.now() - started }));
    socket.on('connect', () => drive((text) => !socket.destroyed && socket.write(text)));
  });
}

const tightLimits: ServerLimits = {
  ...DEFAULT_SERVER_LIMITS,
  headersTimeoutMs: 300,
  requestTimeoutMs: 600,
  checkIntervalMs: 50,
};

test('a slow-loris client sending headers byte by byte is cut off at the headers timeout', async (t) => {
  const h = await start(t, {}, tightLimits);
  const request = `POST ${pathOf(github)} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(500)}`;
  let timer: NodeJS.Timeout | undefined;
  t.after(() => clearInterval(timer));
  const { answer, closedAfterMs } = await rawExchange(h, (write) => {
    let i = 0;
    timer = setInterval(() => {
      if (!write(request[i % request.length] ?? 'a')) clearInterval(timer);
      i++;
    }, 20);
  });
  clearInterval(timer);
  assert.ok(closedAfterMs < 2_000, `the connection was held ${closedAfterMs}ms`);
  assert.match(answer, /^HTTP\/1\.1 408 /);
  assert.deepEqual(h.triggered, []);
});

test('a body that trickles in is cut off at the request timeout', async (t) => {
  const h = await start(t, {}, tightLimits);
  let timer: NodeJS.Timeout | undefined;
  t.after(() => clearInterval(timer));
  const { answer, closedAfterMs } = await rawExchange(h, (write) => {
    write(`POST ${pathOf(github)} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n`);
    timer = setInterval(() => {
      if (!write('x')) clearInterval(timer);
    }, 20);
  });
  clearInterval(timer);
  assert.ok(closedAfterMs < 2_500, `the connection was held ${closedAfterMs}ms`);
  assert.match(answer, /^HTTP\/1\.1 408 /);
  assert.deepEqual(h.triggered, []);
});

test('request headers beyond the limit are answered 431', async (t) => {
  const h = await start(t);
  const { answer } = await rawExchange(h, (write) => {
    write(
      `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'b'.repeat(DEFAULT_SERVER_LIMITS.maxHeaderBytes + 1)}\r\n\r\n`,
    );
  });
  assert.match(answer, /^HTTP\/1\.1 431 /);
});
