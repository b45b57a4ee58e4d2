// Deliveries go through the Provider address policy: tried against real receivers on loopback
// addresses, one of them (127.0.0.2) put on the deny-list here; no test names another address.
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { createAddressPolicy, DEFAULT_DENIED_RANGES, type AddressPolicy } from './address.ts';
import { createTestNotifier, makeAlert, makeEvent, makeProvider } from './test-helpers.ts';

const DENIED = '127.0.0.2';

/** A receiver on `host` that counts requests; `port` 0 picks a free one. */
async function receiverOn(
  t: TestContext,
  host: string,
  port = 0,
): Promise<{ port: number; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as AddressInfo).port, hits: () => hits };
}

type Resolve = Parameters<typeof createAddressPolicy>[1];

/** A resolver that answers the next of `answers` on each call (the last one from then on). */
function scriptedResolver(answers: readonly string[]): { resolve: Resolve; calls: () => number } {
  let calls = 0;
  const resolve = ((
    _host: string,
    _options: unknown,
    callback: (e: null, a: LookupAddress[]) => void,
  ) => {
    const address = answers[Math.min(calls, answers.length - 1)] ?? '127.0.0.1';
    calls++;
    callback(null, [{ address, family: 4 }]);
  }) as unknown as Resolve;
  return { resolve, calls: () => calls };
}

function policyWith(resolve?: Resolve, allowHosts: string[] = []): AddressPolicy {
  const deniedRanges = [...DEFAULT_DENIED_RANGES, `${DENIED}/32`];
  const created = createAddressPolicy({ deniedRanges, allowHosts }, resolve);
  assert.ok(created.ok);
  return created.value;
}

function notifierFor(address: string, policy: AddressPolicy) {
  return createTestNotifier(
    {
      providers: [makeProvider('apps', 'out', { type: 'webhook', address })],
      alerts: [makeAlert('apps', 'all', { providerRef: { name: 'out' } })],
    },
    { initialBackoffMs: 5, maxBackoffMs: 20 },
    { addressPolicy: policy },
  );
}

test('an address in a denied range is refused at once, not retried, and the receiver hears nothing', async (t) => {
  const receiver = await receiverOn(t, DENIED);
  const { notifier, deliveries, logger } = notifierFor(
    `http://${DENIED}:${receiver.port}/hook?token=s3cret`,
    policyWith(),
  );
  notifier.publish(makeEvent());
  await notifier.idle();
  assert.equal(receiver.hits(), 0);
  assert.equal(deliveries.length, 1);
  assert.equal(deliveries[0]?.result, 'failure');
  assert.match(deliveries[0]?.error ?? '', /Provider\/apps\/out: 127\.0\.0\.2 .*denied range/);
  assert.doesNotMatch(deliveries[0]?.error ?? '', /s3cret/);
  const failed = logger.entries.find((e) => e.msg === 'notification delivery failed');
  assert.equal(failed?.bindings.attempts, 1, 'a refusal is not retried');
  assert.equal(failed?.bindings.code, 'AddressRefused');
});

test('a host name that resolves into a denied range is refused when it connects', async (t) => {
  const receiver = await receiverOn(t, DENIED);
  const dns = scriptedResolver([DENIED]);
  const { notifier, deliveries } = notifierFor(
    `http://hooks.moor.test:${receiver.port}/hook`,
    policyWith(dns.resolve),
  );
  notifier.publish(makeEvent());
  await notifier.idle();
  assert.equal(receiver.hits(), 0);
  assert.equal(deliveries[0]?.result, 'failure');
  assert.match(deliveries[0]?.error ?? '', /hooks\.moor\.test is 127\.0\.0\.2, in a denied range/);
  assert.ok(dns.calls() >= 1);
});

test('the connection goes to the address that was checked: a name that rebinds cannot swap it', async (t) => {
  const denied = await receiverOn(t, DENIED);
  const allowed = await receiverOn(t, '127.0.0.1', denied.port);
  // First answer allowed, every later one denied: a second lookup after the check would connect
  // to the denied receiver.
  const dns = scriptedResolver(['127.0.0.1', DENIED]);
  const { notifier, deliveries } = notifierFor(
    `http://rebind.moor.test:${denied.port}/hook`,
    policyWith(dns.resolve),
  );
  notifier.publish(makeEvent());
  await notifier.idle();
  assert.deepEqual(
    deliveries.map((d) => d.result),
    ['success'],
  );
  assert.equal(allowed.hits(), 1);
  assert.equal(denied.hits(), 0);
  assert.equal(dns.calls(), 1, 'one lookup decides and connects');
});

test('--allow-provider-hosts: a host it does not name is refused before any lookup', async (t) => {
  const receiver = await receiverOn(t, '127.0.0.1');
  const dns = scriptedResolver(['127.0.0.1']);
  const { notifier, deliveries } = notifierFor(
    `http://127.0.0.1:${receiver.port}/hook`,
    policyWith(dns.resolve, ['hooks.moor.test']),
  );
  notifier.publish(makeEvent());
  await notifier.idle();
  assert.equal(receiver.hits(), 0);
  assert.match(deliveries[0]?.error ?? '', /127\.0\.0\.1 is not in --allow-provider-hosts/);
  assert.equal(dns.calls(), 0);
});
