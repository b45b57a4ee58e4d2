// The Provider address policy, tried only with loopback addresses put on the deny-list here.
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { Agent, fetch } from 'undici';
import { createAddressPolicy, type AddressPolicy, type AddressPolicyOptions } from './address.ts';

const LOOPBACK = ['127.0.0.0/8', '::1/128'];

function policyOf(
  options: AddressPolicyOptions,
  resolve?: Parameters<typeof createAddressPolicy>[1],
): AddressPolicy {
  const created = createAddressPolicy(options, resolve);
  assert.ok(created.ok, created.ok ? '' : created.error.message);
  return created.value;
}

test('an IP literal in a denied range is refused in every spelling of it', () => {
  const policy = policyOf({ deniedRanges: LOOPBACK });
  for (const url of [
    'http://127.0.0.1:8080/hook',
    'http://127.3.4.5/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://2130706433/',
    'http://0x7f.1/',
  ]) {
    const checked = policy.checkUrl(url);
    assert.equal(checked.ok, false, url);
    if (!checked.ok) {
      assert.equal(checked.error.code, 'AddressDenied', url);
      assert.match(checked.error.message, /in a denied range/, url);
    }
  }
});

test('denied host names are refused by name; the message names the host, not the URL', () => {
  const policy = policyOf({ deniedRanges: [], deniedHosts: ['localhost'] });
  const checked = policy.checkUrl('https://user:secret@LOCALHOST./path?token=t');
  assert.equal(checked.ok, false);
  if (!checked.ok) {
    assert.equal(checked.error.code, 'AddressDenied');
    assert.equal(checked.error.data.host, 'localhost');
    assert.doesNotMatch(checked.error.message, /secret|token/);
  }
});

test('--allow-provider-hosts admits only the hosts it names, exactly or by *.suffix', () => {
  const policy = policyOf({ allowHosts: ['localhost', '*.hooks.localhost'], deniedRanges: [] });
  assert.ok(policy.checkUrl('http://localhost:9/x').ok);
  assert.ok(policy.checkUrl('http://a.hooks.localhost/x').ok);
  for (const url of ['http://hooks.localhost.evil.localhost/', 'http://127.0.0.1/']) {
    const checked = policy.checkUrl(url);
    assert.equal(checked.ok, false, url);
    if (!checked.ok) assert.equal(checked.error.code, 'HostNotAllowed', url);
  }
  const allowedButDenied = policyOf({ allowHosts: ['127.0.0.1'], deniedRanges: LOOPBACK });
  const checked = allowedButDenied.checkUrl('http://127.0.0.1/');
  assert.equal(
    checked.ok ? '' : checked.error.code,
    'AddressDenied',
    'the deny-list still applies',
  );
});

test('a bad denied range and an address that is no URL are typed errors', () => {
  const bad = createAddressPolicy({ deniedRanges: ['127.0.0.0/33'] });
  assert.equal(bad.ok ? '' : bad.error.code, 'InvalidAddress');
  const checked = policyOf({}).checkUrl('not a url');
  assert.equal(checked.ok ? '' : checked.error.code, 'InvalidAddress');
});

async function loopbackServer(t: TestContext): Promise<number> {
  const server = createServer((_req, res) => res.end('reached'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

test('a name that resolves into a denied range is refused at connect time', async (t) => {
  const port = await loopbackServer(t);
  const policy = policyOf({ deniedRanges: LOOPBACK });
  const agent = new Agent({ connect: { lookup: policy.lookup } });
  t.after(() => agent.close());
  const error: unknown = await fetch(`http://localhost:${port}/`, { dispatcher: agent }).then(
    () => assert.fail('the request reached the server'),
    (e: unknown) => e,
  );
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  assert.equal(cause?.code, 'AddressDenied');
  assert.match(String(cause?.message), /localhost is (127\.0\.0\.1|::1), in a denied range/);
});

test('a name that resolves outside the denied ranges is reached through the same lookup', async (t) => {
  const port = await loopbackServer(t);
  const answers: LookupAddress[] = [{ address: '127.0.0.1', family: 4 }];
  const resolve = ((
    _host: string,
    _options: unknown,
    callback: (e: null, a: LookupAddress[]) => void,
  ) => callback(null, answers)) as unknown as Parameters<typeof createAddressPolicy>[1];
  const policy = policyOf({ deniedRanges: ['::1/128'] }, resolve);
  const agent = new Agent({ connect: { lookup: policy.lookup } });
  t.after(() => agent.close());
  const res = await fetch(`http://localhost:${port}/`, { dispatcher: agent });
  assert.equal(await res.text(), 'reached');
});
