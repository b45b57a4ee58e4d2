import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { ok } from '../../core/index.ts';
import { createAccess } from './access.ts';
import { mountDashboard } from './mount.ts';
import { loadUiAssets, type UiAssets } from './static.ts';

const js = `console.log(${JSON.stringify('moor '.repeat(2000))});`;

async function builtDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'moor-ui-static-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Moor</title>');
  await writeFile(join(dir, 'assets', 'index-abc123.js'), js);
  await writeFile(join(dir, 'assets', 'tiny-def456.css'), 'body{margin:0}');
  return dir;
}

function appServing(assets: UiAssets | undefined): Hono {
  const app = new Hono();
  const access = createAccess({
    insecureLocal: true,
    now: () => 0,
    reviews: {
      reviewToken: () => Promise.resolve(ok(undefined)),
      reviewAccess: () => Promise.resolve(ok(false)),
    },
  });
  mountDashboard(app, { data: {} as never, access, assets, logger: { warn: () => undefined } });
  return app;
}

const bytesOf = async (res: Response): Promise<Buffer> => Buffer.from(await res.arrayBuffer());

test('each encoding is served as the client accepts it, the same bytes on every request', async (t) => {
  const dir = await builtDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const app = appServing(await loadUiAssets(dir));
  const path = '/ui/assets/index-abc123.js';
  const ask = (encoding?: string) =>
    app.request(path, encoding === undefined ? {} : { headers: { 'Accept-Encoding': encoding } });
  // Concurrent first requests for one encoding share one compression.
  const [br1, br2] = await Promise.all([ask('gzip, deflate, br'), ask('br')]);
  assert.equal(br1.headers.get('Content-Encoding'), 'br');
  const [brBody1, brBody2] = [await bytesOf(br1), await bytesOf(br2)];
  assert.deepEqual(brBody1, brBody2);
  assert.equal(brotliDecompressSync(brBody1).toString(), js);
  assert.ok(brBody1.length < js.length / 10, `compressed to ${brBody1.length} of ${js.length}`);
  const gz = await ask('gzip');
  assert.equal(gz.headers.get('Content-Encoding'), 'gzip');
  assert.equal(gz.headers.get('Vary'), 'Accept-Encoding');
  const gzBody = await bytesOf(gz);
  assert.equal(gunzipSync(gzBody).toString(), js);
  assert.deepEqual(await bytesOf(await ask('gzip')), gzBody, 'kept, not compressed again');
  const plain = await ask();
  assert.equal(plain.headers.get('Content-Encoding'), null);
  assert.equal((await bytesOf(plain)).toString(), js);
  const tiny = await app.request('/ui/assets/tiny-def456.css', {
    headers: { 'Accept-Encoding': 'br, gzip' },
  });
  assert.equal(tiny.headers.get('Content-Encoding'), null, 'a file under 512 bytes is sent as is');
  assert.equal((await bytesOf(tiny)).toString(), 'body{margin:0}');
  const page = await app.request('/ui/syncs/a/b', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(page.status, 200);
  assert.equal((await bytesOf(page)).toString(), '<!doctype html><title>Moor</title>');
});

test('without a build the dashboard says how to build it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'moor-ui-missing-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.equal(await loadUiAssets(join(dir, 'dist')), undefined, 'no directory');
  await mkdir(join(dir, 'assets'));
  assert.equal(await loadUiAssets(dir), undefined, 'no index.html');
  const res = await appServing(undefined).request('/ui/', {
    headers: { 'Accept-Encoding': 'gzip' },
  });
  assert.equal(res.status, 404);
  assert.match(await res.text(), /not built: run scripts\/setup\.sh/);
});
