import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { createHelmCharts } from './helm-charts.ts';

const INDEX = [
  'apiVersion: v1',
  'entries:',
  '  web:',
  '    - {version: 1.0.0, urls: [web-1.0.0.tgz]}',
  '    - {version: 1.1.0, urls: [web-1.1.0.tgz]}',
  '  db:',
  '    - {version: 2.0.0, urls: [db-2.0.0.tgz]}',
  '',
].join('\n');

/** Serves `body` as index.yaml on loopback with `status`, counting requests. */
async function serve(t: TestContext, status: number, body: string) {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(status).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests: () => requests };
}

let now = 0;
const clock = {
  now: () => new Date(Date.UTC(2026, 0, 1) + now),
  monotonic: () => now,
  sleep: () => Promise.resolve(),
};
const access = (url: string) => ({ url, intervalMs: 60_000, timeoutMs: 5_000 });
const signal = new AbortController().signal;

void test('an index: digest, counts; one request for concurrent callers and within the interval', async (t) => {
  const served = await serve(t, 200, INDEX);
  const charts = createHelmCharts('/nonexistent', clock);
  const [a, b] = await Promise.all([
    charts.index(access(served.url), signal),
    charts.index(access(served.url), signal),
  ]);
  assert.equal(served.requests(), 1, 'concurrent fetches share one request');
  assert.ok(a.ok && b.ok);
  const digest = `sha256:${createHash('sha256').update(INDEX).digest('hex')}`;
  assert.deepEqual(
    { digest: a.value.digest, charts: a.value.charts, versions: a.value.versions },
    { digest, charts: 2, versions: 3 },
  );
  now += 30_000;
  const cached = await charts.index(access(served.url), signal);
  assert.equal(served.requests(), 1, 'younger than the interval: cached');
  assert.equal(cached.ok && cached.value.ageMs, 30_000);
  await charts.index(access(served.url), signal, { force: true });
  assert.equal(served.requests(), 2, 'forced: fetched');
  now += 60_000;
  await charts.index(access(served.url), signal);
  assert.equal(served.requests(), 3, 'stale: fetched');
});

const failures: [what: string, status: number, body: string, code: string, message: RegExp][] = [
  ['refused credentials', 401, '', 'unauthorized', /index\.yaml: HTTP 401$/],
  ['forbidden', 403, '', 'unauthorized', /HTTP 403$/],
  ['another HTTP status', 500, '', 'http', /HTTP 500$/],
  ['no index', 200, 'entries: 3\n', 'invalid', /index\.yaml has no entries$/],
  ['not YAML', 200, 'entries: [', 'invalid', /index\.yaml does not parse/],
];
for (const [what, status, body, code, message] of failures) {
  void test(`an index fetch with ${what} fails with code ${code}, and is not cached`, async (t) => {
    const served = await serve(t, status, body);
    const charts = createHelmCharts('/nonexistent', clock);
    const got = await charts.index(access(served.url), signal);
    assert.ok(!got.ok);
    assert.equal(got.error.code, code);
    assert.match(got.error.message, message);
    await charts.index(access(served.url), signal);
    assert.equal(served.requests(), 2);
  });
}

void test('an index fetch from a port nothing listens on is unreachable, naming the cause', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const got = await createHelmCharts('/nonexistent', clock).index(
    access(`http://127.0.0.1:${port}`),
    signal,
  );
  assert.ok(!got.ok);
  assert.equal(got.error.code, 'unreachable');
  assert.match(got.error.message, /ECONNREFUSED/);
});
