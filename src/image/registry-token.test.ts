// The bearer-token challenge as registries send it, and 429 answers: a token-auth front on
// loopback (the way a registry's auth server works) before the real registry, which serves the tags.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { createAddressPolicy } from '../notify/index.ts';
import { pushTags } from '../../test/helpers/crane.ts';
import { startTestRegistry, type TestRegistry } from '../../test/helpers/registry.ts';
import { parseImageName } from './reference.ts';
import { createRegistryClient } from './registry.ts';

const TOKEN = 'tok-7d1e';
const basic = `Basic ${Buffer.from('ci:pull-pw').toString('base64')}`;

let registry: TestRegistry;
let front: Server;
let frontHost = '';
let rateLimited = 0;
const tokenRequests: string[] = [];

before(async () => {
  registry = await startTestRegistry();
  await pushTags(registry.host, 'team/app', ['1.0.0', '1.1.0', '2.0.0']);
  front = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://front');
    if (url.pathname === '/token') {
      tokenRequests.push(url.search);
      if (req.headers.authorization !== basic) return res.writeHead(401).end();
      return res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ token: TOKEN }));
    }
    if (rateLimited > 0) {
      rateLimited--;
      return res.writeHead(429, { 'retry-after': '7' }).end();
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      const challenge = `Bearer realm="http://${frontHost}/token",service="front",scope="repository:team/app:pull"`;
      return res.writeHead(401, { 'www-authenticate': challenge }).end();
    }
    void fetch(`${registry.url}${url.pathname}${url.search}`, { method: req.method ?? 'GET' }).then(
      async (up) => {
        const headers: Record<string, string> = {};
        for (const name of ['content-type', 'link', 'docker-content-digest'])
          if (up.headers.get(name)) headers[name] = up.headers.get(name) ?? '';
        res.writeHead(up.status, headers).end(Buffer.from(await up.arrayBuffer()));
      },
    );
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  const address = front.address();
  frontHost = typeof address === 'object' && address ? `127.0.0.1:${address.port}` : '';
});
after(async () => {
  await new Promise<void>((r) => front.close(() => r()));
  await registry.close();
});

const policy = createAddressPolicy({});
assert.ok(policy.ok);
const client = createRegistryClient(policy.value);
after(() => client.close());
const options = (credentials?: { username: string; password: string }) => ({
  insecure: true,
  pageSize: 2,
  signal: AbortSignal.timeout(30_000),
  now: () => new Date(),
  ...(credentials ? { credentials } : {}),
});
const image = () => {
  const parsed = parseImageName(`${frontHost}/team/app`);
  assert.ok(parsed.ok);
  return parsed.value;
};

test('a bearer challenge is answered with a token from its realm (service and scope as sent)', async () => {
  const tags = await client.listTags(image(), options({ username: 'ci', password: 'pull-pw' }));
  assert.ok(tags.ok, tags.ok ? '' : tags.error.message);
  assert.deepEqual([...tags.value].sort(), ['1.0.0', '1.1.0', '2.0.0']);
  assert.ok(
    tokenRequests.some(
      (q) => q.includes('service=front') && q.includes('scope=repository%3Ateam%2Fapp%3Apull'),
    ),
  );
});

test('a token server refusing the password is Unauthorized, naming the image and the realm', async () => {
  const tags = await client.listTags(image(), options({ username: 'ci', password: 'wrong' }));
  assert.equal(tags.ok ? '' : tags.error.code, 'Unauthorized');
  if (!tags.ok)
    assert.match(
      tags.error.message,
      new RegExp(`${frontHost}/team/app \\(token from http://${frontHost}\\)`),
    );
});

test('429 is RateLimited with the Retry-After the registry gave', async () => {
  rateLimited = 1;
  const tags = await client.listTags(image(), options({ username: 'ci', password: 'pull-pw' }));
  assert.equal(tags.ok ? '' : tags.error.code, 'RateLimited');
  if (!tags.ok) {
    assert.equal(tags.error.data.retryAfterMs, 7000);
    assert.match(tags.error.message, /rate limited by the registry \(429\), retry after 7s/);
  }
});
