// Delivery behaviour: retries and their limits, timeouts, non-blocking publish, bounded queues,
// rate limits, suspension, and no secrets in logs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closedPortUrl } from '../../test/helpers/git-server.ts';
import {
  createTestNotifier,
  fastRetries,
  makeAlert,
  makeEvent,
  makeProvider,
  startReceiver,
} from './test-helpers.ts';
import type { ProviderSpecInput } from '../api/index.ts';
import type { NotifierOptions } from './dispatcher.ts';

const alertAll = makeAlert('apps', 'all', { providerRef: { name: 'out' } });

function webhookTo(
  address: string,
  extra: Partial<ProviderSpecInput> = {},
  options: NotifierOptions = fastRetries,
) {
  return createTestNotifier(
    {
      providers: [makeProvider('apps', 'out', { type: 'webhook', address, ...extra })],
      alerts: [alertAll],
      secrets: new Map([['apps/creds', { token: 'super-s3cret-token', hmacKey: 'hmac-s3cret' }]]),
    },
    options,
  );
}

test('500 twice then 200: three requests and one successful delivery', async () => {
  await using receiver = await startReceiver((_, n) => ({ status: n <= 2 ? 500 : 200 }));
  const { notifier, deliveries, logger } = webhookTo(receiver.url);
  notifier.publish(makeEvent());
  await notifier.idle();
  assert.equal(receiver.requests.length, 3);
  assert.deepEqual(
    deliveries.map((d) => d.result),
    ['success'],
  );
  assert.equal(logger.entries.filter((e) => e.level === 'warn').length, 0);
  assert.deepEqual(notifier.stats(), [
    { namespace: 'apps', name: 'out', queued: 0, dropped: 0, delivered: 1, failed: 0 },
  ]);
});

test('429 is retried too', async () => {
  await using receiver = await startReceiver((_, n) => ({ status: n === 1 ? 429 : 204 }));
  const { notifier, deliveries } = webhookTo(receiver.url);
  notifier.publish(makeEvent());
  await notifier.idle();
  assert.equal(receiver.requests.length, 2);
  assert.equal(deliveries[0]?.result, 'success');
});

test('a 400 is not retried; the failure is reported and logged with the provider, without secrets', async () => {
  await using receiver = await startReceiver((request) => ({
    status: 400,
    body: JSON.stringify({ error: 'bad request', echo: request.headers.authorization }),
  }));
  const { notifier, deliveries, logger } = webhookTo(receiver.url, {
    secretRef: { name: 'creds' },
  });
  notifier.publish(makeEvent());
  await notifier.idle();
  assert.equal(receiver.requests.length, 1);
  assert.equal(receiver.requests[0]?.headers.authorization, 'Bearer super-s3cret-token');
  assert.equal(deliveries.length, 1);
  assert.equal(deliveries[0]?.result, 'failure');
  assert.match(
    deliveries[0]?.error ?? '',
    /^Provider\/apps\/out: http:\/\/127\.0\.0\.1:\d+ answered 400/,
  );
  const warns = logger.entries.filter((e) => e.level === 'warn');
  assert.equal(warns.length, 1);
  assert.equal(warns[0]?.bindings.provider, 'Provider/apps/out');
  assert.match(String(warns[0]?.bindings.error), /answered 400/);
  const logged = JSON.stringify(logger.entries);
  assert.ok(!logged.includes('super-s3cret-token'), 'token masked');
  assert.ok(!logged.includes('hmac-s3cret'), 'hmacKey never logged');
  assert.ok(!(deliveries[0]?.error ?? '').includes('super-s3cret-token'));
});

test('a dead address fails after the bounded number of attempts', async () => {
  const { notifier, deliveries, logger } = webhookTo(
    await closedPortUrl('hook'),
    {},
    {
      ...fastRetries,
      maxAttempts: 3,
    },
  );
  const started = performance.now();
  notifier.publish(makeEvent());
  await notifier.idle();
  assert.ok(performance.now() - started < 5000);
  assert.equal(deliveries.length, 1);
  assert.equal(deliveries[0]?.result, 'failure');
  assert.match(
    deliveries[0]?.error ?? '',
    /request to http:\/\/127\.0\.0\.1:\d+ failed: ECONNREFUSED/,
  );
  const warn = logger.entries.find((e) => e.level === 'warn');
  assert.equal(warn?.bindings.attempts, 3);
  assert.equal(notifier.stats()[0]?.failed, 1);
});

test('a receiver that never answers times out after spec.timeout', async () => {
  await using receiver = await startReceiver(() => ({ status: 200, delayMs: 5000 }));
  const { notifier, deliveries, logger } = webhookTo(
    receiver.url,
    { timeout: '100ms' },
    {
      ...fastRetries,
      maxAttempts: 2,
    },
  );
  notifier.publish(makeEvent());
  await notifier.idle();
  // Counted where they are made: spec.timeout bounds connecting too, so on a loaded machine an
  // attempt can time out before the receiver has read it.
  const warn = logger.entries.find((e) => e.level === 'warn');
  assert.equal(warn?.bindings.attempts, 2, 'both attempts made, then given up');
  assert.ok(receiver.requests.length <= 2, `${receiver.requests.length} requests arrived`);
  assert.equal(deliveries.length, 1);
  assert.equal(deliveries[0]?.result, 'failure');
  assert.match(deliveries[0]?.error ?? '', /no answer from .* within 100ms/);
});

test('publish returns before a slow receiver answers', async () => {
  await using receiver = await startReceiver(() => ({ status: 200, delayMs: 400 }));
  const { notifier, deliveries } = webhookTo(receiver.url);
  const started = performance.now();
  notifier.publish(makeEvent());
  notifier.publish(makeEvent({ event: 'Diverged', severity: 'error' }));
  assert.ok(performance.now() - started < 50, 'publish did not wait');
  assert.equal(deliveries.length, 0);
  await notifier.idle();
  assert.ok(performance.now() - started >= 700, 'idle waited for both deliveries');
  assert.deepEqual(
    deliveries.map((d) => d.result),
    ['success', 'success'],
  );
  assert.deepEqual(
    receiver.requests.map((r) => (JSON.parse(r.body) as { event: string }).event),
    ['Converged', 'Diverged'],
    'delivered in order',
  );
});

test('a full queue drops the oldest events and counts them', async () => {
  await using receiver = await startReceiver(() => ({ status: 200, delayMs: 100 }));
  const { notifier, logger } = webhookTo(receiver.url, {}, { ...fastRetries, queueLimit: 2 });
  for (const message of ['m1', 'm2', 'm3', 'm4', 'm5']) notifier.publish(makeEvent({ message }));
  assert.equal(notifier.stats()[0]?.dropped, 2);
  await notifier.idle();
  // m1 was taken at once; m2 and m3 were pushed out by m4 and m5.
  assert.deepEqual(
    receiver.requests.map((r) => (JSON.parse(r.body) as { message: string }).message),
    ['m1', 'm4', 'm5'],
  );
  assert.equal(logger.entries.filter((e) => /queue full/.test(e.msg)).length, 2);
});

test('deliveries to one provider are rate limited', async () => {
  await using receiver = await startReceiver();
  const { notifier } = webhookTo(receiver.url, {}, { ...fastRetries, ratePerSecond: 20, burst: 1 });
  const started = performance.now();
  for (let i = 0; i < 5; i++) notifier.publish(makeEvent({ message: `m${i}` }));
  await notifier.idle();
  assert.equal(receiver.requests.length, 5);
  // One at once, then four at 20/s: at least ~200ms.
  assert.ok(performance.now() - started >= 180, `took ${performance.now() - started}ms`);
});

test('suspended providers and alerts deliver nothing', async () => {
  await using receiver = await startReceiver();
  const { notifier, deliveries } = createTestNotifier({
    providers: [
      makeProvider('apps', 'paused', { type: 'webhook', address: receiver.url, suspend: true }),
      makeProvider('apps', 'live', { type: 'webhook', address: receiver.url }),
    ],
    alerts: [
      makeAlert('apps', 'to-paused', { providerRef: { name: 'paused' } }),
      makeAlert('apps', 'to-live-paused', { providerRef: { name: 'live' }, suspend: true }),
    ],
  });
  notifier.publish(makeEvent());
  await notifier.idle();
  assert.equal(receiver.requests.length, 0);
  assert.equal(deliveries.length, 0);
});

test('a provider suspended while events wait in its queue sends nothing more', async () => {
  await using receiver = await startReceiver(() => ({ status: 200, delayMs: 100 }));
  const t = webhookTo(receiver.url);
  t.notifier.publish(makeEvent({ message: 'first' }));
  t.notifier.publish(makeEvent({ message: 'second' }));
  for (let i = 0; i < 100 && receiver.requests.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const [provider] = t.world.providers;
  assert.ok(provider);
  t.world.providers = [{ ...provider, spec: { ...provider.spec, suspend: true } }];
  await t.notifier.idle();
  assert.deepEqual(
    receiver.requests.map((r) => (JSON.parse(r.body) as { message: string }).message),
    ['first'],
  );
});

test('a missing Secret is a reported failure', async () => {
  await using receiver = await startReceiver();
  const { notifier, deliveries } = webhookTo(receiver.url, { secretRef: { name: 'absent' } });
  notifier.publish(makeEvent());
  await notifier.idle();
  assert.equal(receiver.requests.length, 0);
  assert.equal(deliveries[0]?.result, 'failure');
  assert.equal(deliveries[0]?.error, 'Provider/apps/out: Secret apps/absent not found');
});

test('aborting the signal drops queued events and idle resolves', async () => {
  await using receiver = await startReceiver(() => ({ status: 200, delayMs: 2000 }));
  const t = webhookTo(receiver.url);
  for (let i = 0; i < 3; i++) t.notifier.publish(makeEvent({ message: `m${i}` }));
  // Abort while the first delivery is in flight (the receiver has it and holds its answer).
  for (let waited = 0; receiver.requests.length === 0 && waited < 5000; waited += 10)
    await new Promise((resolve) => setTimeout(resolve, 10));
  t.abort();
  const started = performance.now();
  await t.notifier.idle();
  assert.ok(performance.now() - started < 1000);
  assert.equal(receiver.requests.length, 1);
  assert.equal(t.deliveries.length, 0, 'an aborted delivery is not reported as a failure');
  t.notifier.publish(makeEvent());
  await t.notifier.idle();
  assert.equal(receiver.requests.length, 1, 'nothing is sent after abort');
});

test('GitLab refusing to set the same state again counts as delivered', async () => {
  await using gitlab = await startReceiver(() => ({
    status: 400,
    body: JSON.stringify({ message: 'Cannot transition status via :run from :running' }),
  }));
  const { notifier, deliveries } = createTestNotifier({
    providers: [
      makeProvider('apps', 'out', {
        type: 'gitlab',
        address: `${gitlab.url}/org/app`,
        secretRef: { name: 'creds' },
      }),
    ],
    alerts: [alertAll],
    secrets: new Map([['apps/creds', { token: 'gl-t0ken' }]]),
  });
  notifier.publish(makeEvent({ event: 'ChangeCommitted' }));
  await notifier.idle();
  assert.equal(gitlab.requests.length, 1);
  assert.deepEqual(
    deliveries.map((d) => d.result),
    ['success'],
  );
});
