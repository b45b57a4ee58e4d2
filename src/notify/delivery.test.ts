// End to end through the Notifier to real HTTP receivers on 127.0.0.1: webhook with HMAC, Slack,
// and commit statuses on local "GitHub", "GitLab" and "Gitea" servers.
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { test } from 'node:test';
import type { ProviderSpecInput } from '../api/index.ts';
import {
  SHA,
  createTestNotifier,
  makeAlert,
  makeEvent,
  makeProvider,
  startReceiver,
  type ReceivedRequest,
} from './test-helpers.ts';

function verifySignature(request: ReceivedRequest, key: string): boolean {
  const header = request.headers['x-moor-signature'];
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', key).update(request.body, 'utf8').digest();
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function oneProvider(spec: ProviderSpecInput, secret?: Record<string, string>) {
  const secrets = new Map<string, Record<string, string>>();
  if (secret) secrets.set('apps/creds', secret);
  return createTestNotifier({
    providers: [
      makeProvider('apps', 'out', secret ? { ...spec, secretRef: { name: 'creds' } } : spec),
    ],
    alerts: [makeAlert('apps', 'all', { providerRef: { name: 'out' } })],
    secrets,
  });
}

test('a webhook receives the documented body with a valid HMAC signature', async () => {
  await using receiver = await startReceiver();
  const { notifier, deliveries } = oneProvider(
    { type: 'webhook', address: `${receiver.url}/hook` },
    { hmacKey: 'shared-k3y', token: 'bearer-t0k' },
  );
  notifier.publish(makeEvent());
  await notifier.idle();
  assert.equal(receiver.requests.length, 1);
  const request = receiver.requests[0]!;
  assert.equal(request.method, 'POST');
  assert.equal(request.path, '/hook');
  assert.equal(request.headers['content-type'], 'application/json');
  assert.equal(request.headers.authorization, 'Bearer bearer-t0k');
  assert.ok(verifySignature(request, 'shared-k3y'), 'signature verifies with the key');
  assert.equal(verifySignature(request, 'other-key'), false);
  assert.deepEqual(JSON.parse(request.body), {
    event: 'Converged',
    severity: 'info',
    cluster: 'prod-eu',
    source: { kind: 'Sync', namespace: 'apps', name: 'web' },
    revision: `main@sha1:${SHA}`,
    message: 'applied 3 objects, all healthy',
    objects: ['Deployment/apps/web', 'Service/apps/web'],
    timestamp: '2024-05-01T12:03:00Z',
  });
  assert.deepEqual(deliveries, [
    { provider: { namespace: 'apps', name: 'out', type: 'webhook' }, result: 'success' },
  ]);
});

test('a webhook without hmacKey has no signature header; Provider spec.cluster names the cluster', async () => {
  await using receiver = await startReceiver();
  const { notifier } = oneProvider({ type: 'webhook', address: receiver.url, cluster: 'edge-1' });
  notifier.publish({
    event: 'ApplyFailed',
    source: { kind: 'Sync', namespace: 'apps', name: 'web' },
    message: 'Deployment/apps/web: field is immutable',
  });
  await notifier.idle();
  const request = receiver.requests[0];
  assert.ok(request);
  assert.equal(request.headers['x-moor-signature'], undefined);
  const body = JSON.parse(request.body) as Record<string, unknown>;
  assert.equal(body.cluster, 'edge-1');
  assert.equal(body.severity, 'error', 'default severity filled in');
  assert.equal(body.timestamp, '2024-05-01T12:03:00Z', 'stamped with the injected clock');
});

test('Slack receives text and a coloured attachment', async () => {
  await using receiver = await startReceiver();
  const { notifier, deliveries } = oneProvider({
    type: 'slack',
    address: `${receiver.url}/services/T/B/X`,
  });
  notifier.publish(
    makeEvent({ event: 'HealthFailed', severity: 'error', message: 'web not ready' }),
  );
  await notifier.idle();
  const body = JSON.parse(receiver.requests[0]?.body ?? '{}') as {
    text: string;
    attachments: { color: string; fields: { title: string; value: string }[] }[];
  };
  assert.equal(body.text, 'HealthFailed Sync/apps/web on prod-eu: web not ready');
  assert.equal(body.attachments[0]?.color, 'danger');
  assert.ok(
    body.attachments[0]?.fields.some((f) => f.title === 'Revision' && f.value.includes(SHA)),
  );
  assert.equal(deliveries[0]?.result, 'success');
});

type HostCase = {
  type: 'github' | 'gitlab' | 'gitea';
  path: string;
  auth: [header: string, value: string];
  fields: Record<string, string>;
};

const hostCases: readonly HostCase[] = [
  {
    type: 'github',
    path: `/api/v3/repos/org/app/statuses/${SHA}`,
    auth: ['authorization', 'Bearer gh-t0ken'],
    fields: { state: 'success', context: 'moor/prod-eu/apps/web' },
  },
  {
    type: 'gitlab',
    path: `/api/v4/projects/org%2Fapp/statuses/${SHA}`,
    auth: ['private-token', 'gh-t0ken'],
    fields: { state: 'success', name: 'moor/prod-eu/apps/web' },
  },
  {
    type: 'gitea',
    path: `/api/v1/repos/org/app/statuses/${SHA}`,
    auth: ['authorization', 'token gh-t0ken'],
    fields: { state: 'success', context: 'moor/prod-eu/apps/web' },
  },
];

for (const c of hostCases) {
  test(`${c.type} commit status: path, auth, state and a context naming the cluster`, async () => {
    await using host = await startReceiver((request) =>
      request.path === c.path ? { status: 201 } : { status: 404 },
    );
    const { notifier, deliveries } = oneProvider(
      { type: c.type, address: `${host.url}/org/app.git` },
      { token: 'gh-t0ken' },
    );
    notifier.publish(makeEvent());
    notifier.publish(makeEvent({ event: 'Pruned' })); // sets no status
    await notifier.idle();
    assert.equal(host.requests.length, 1);
    const request = host.requests[0]!;
    assert.equal(request.path, c.path);
    assert.equal(request.headers[c.auth[0]], c.auth[1]);
    const body = JSON.parse(request.body) as Record<string, string>;
    for (const [key, value] of Object.entries(c.fields)) assert.equal(body[key], value, key);
    assert.match(body.description ?? '', /^Converged: /);
    assert.deepEqual(
      deliveries.map((d) => d.result),
      ['success'],
    );
  });
}

test('one delivery per Provider even when several Alerts select the event', async () => {
  await using receiver = await startReceiver();
  const { notifier } = createTestNotifier({
    providers: [makeProvider('apps', 'out', { type: 'webhook', address: receiver.url })],
    alerts: [
      makeAlert('apps', 'a', { providerRef: { name: 'out' } }),
      makeAlert('apps', 'b', { providerRef: { name: 'out' }, events: ['Converged'] }),
      makeAlert('apps', 'missing', { providerRef: { name: 'nowhere' } }),
    ],
  });
  notifier.publish(makeEvent());
  await notifier.idle();
  assert.equal(receiver.requests.length, 1);
});
