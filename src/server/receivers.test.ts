import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { verifyDelivery, webhookPathFor } from './receivers.ts';

const token = 's3cret-token';
const body = Buffer.from('{"ref":"refs/heads/main","after":"0123abcd"}');
const hmac = (b: Buffer, key: string) => createHmac('sha256', key).update(b).digest('hex');
const good = hmac(body, token);

test('webhookPathFor is the Flux digest of token, name and namespace', () => {
  // printf '%s' 's3cret-tokenpush-hookapps' | sha256sum
  assert.equal(
    webhookPathFor({ namespace: 'apps', name: 'push-hook' }, token),
    '/hook/c37f32c5d1b3a2fa1ec013c5b0360789a79741924d4bf82ef9a347eb0bc5caea',
  );
  const path = webhookPathFor({ namespace: 'apps', name: 'push-hook' }, token);
  assert.match(path, /^\/hook\/[0-9a-f]{64}$/);
  assert.notEqual(path, webhookPathFor({ namespace: 'apps', name: 'push-hook' }, 'other'));
  assert.notEqual(path, webhookPathFor({ namespace: 'other', name: 'push-hook' }, token));
});

type Case = {
  readonly name: string;
  readonly type: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
  readonly events?: readonly string[];
  readonly want:
    | { event: string; trigger: boolean; id?: string; timestampMs?: number }
    | { code: string; header?: string };
};

const cases: readonly Case[] = [
  {
    name: 'github push signed with the token triggers',
    type: 'github',
    headers: { 'X-Hub-Signature-256': `sha256=${good}`, 'X-GitHub-Event': 'push' },
    want: { event: 'push', trigger: true },
  },
  {
    name: 'github header names are case-insensitive',
    type: 'github',
    headers: { 'x-hub-signature-256': `sha256=${good.toUpperCase()}`, 'x-github-event': 'push' },
    want: { event: 'push', trigger: true },
  },
  {
    name: 'github ping is accepted but does not trigger',
    type: 'github',
    headers: { 'X-Hub-Signature-256': `sha256=${good}`, 'X-GitHub-Event': 'ping' },
    want: { event: 'ping', trigger: false },
  },
  {
    name: 'github other events do not trigger',
    type: 'github',
    headers: { 'X-Hub-Signature-256': `sha256=${good}`, 'X-GitHub-Event': 'issues' },
    want: { event: 'issues', trigger: false },
  },
  {
    name: 'github events listed on the receiver replace the default',
    type: 'github',
    headers: { 'X-Hub-Signature-256': `sha256=${good}`, 'X-GitHub-Event': 'release' },
    events: ['release'],
    want: { event: 'release', trigger: true },
  },
  {
    name: 'github forged signature',
    type: 'github',
    headers: { 'X-Hub-Signature-256': `sha256=${'ab'.repeat(32)}`, 'X-GitHub-Event': 'push' },
    want: { code: 'InvalidSignature', header: 'X-Hub-Signature-256' },
  },
  {
    name: 'github signed with another token',
    type: 'github',
    headers: { 'X-Hub-Signature-256': `sha256=${hmac(body, 'wrong')}`, 'X-GitHub-Event': 'push' },
    want: { code: 'InvalidSignature' },
  },
  {
    name: 'github body tampered after signing',
    type: 'github',
    headers: { 'X-Hub-Signature-256': `sha256=${good}`, 'X-GitHub-Event': 'push' },
    body: Buffer.from('{"ref":"refs/heads/main","after":"evil"}'),
    want: { code: 'InvalidSignature' },
  },
  {
    name: 'github missing signature',
    type: 'github',
    headers: { 'X-GitHub-Event': 'push' },
    want: { code: 'InvalidSignature', header: 'X-Hub-Signature-256' },
  },
  {
    name: 'github SHA-1 signature without the sha256= prefix',
    type: 'github',
    headers: { 'X-Hub-Signature-256': good, 'X-GitHub-Event': 'push' },
    want: { code: 'InvalidSignature' },
  },
  {
    name: 'github truncated signature',
    type: 'github',
    headers: { 'X-Hub-Signature-256': `sha256=${good.slice(0, 40)}`, 'X-GitHub-Event': 'push' },
    want: { code: 'InvalidSignature' },
  },
  {
    name: 'gitlab push with the token triggers',
    type: 'gitlab',
    headers: { 'X-Gitlab-Token': token, 'X-Gitlab-Event': 'Push Hook' },
    want: { event: 'Push Hook', trigger: true },
  },
  {
    name: 'gitlab tag push triggers',
    type: 'gitlab',
    headers: { 'X-Gitlab-Token': token, 'X-Gitlab-Event': 'Tag Push Hook' },
    want: { event: 'Tag Push Hook', trigger: true },
  },
  {
    name: 'gitlab merge request does not trigger',
    type: 'gitlab',
    headers: { 'X-Gitlab-Token': token, 'X-Gitlab-Event': 'Merge Request Hook' },
    want: { event: 'Merge Request Hook', trigger: false },
  },
  {
    name: 'gitlab wrong token',
    type: 'gitlab',
    headers: { 'X-Gitlab-Token': `${token}x`, 'X-Gitlab-Event': 'Push Hook' },
    want: { code: 'InvalidSignature', header: 'X-Gitlab-Token' },
  },
  {
    name: 'gitlab missing token',
    type: 'gitlab',
    headers: { 'X-Gitlab-Event': 'Push Hook' },
    want: { code: 'InvalidSignature', header: 'X-Gitlab-Token' },
  },
  {
    name: 'gitea push with X-Gitea-Signature triggers',
    type: 'gitea',
    headers: { 'X-Gitea-Signature': good, 'X-Gitea-Event': 'push' },
    want: { event: 'push', trigger: true },
  },
  {
    name: 'gitea push with only X-Hub-Signature-256 triggers',
    type: 'gitea',
    headers: { 'X-Hub-Signature-256': `sha256=${good}`, 'X-Gitea-Event': 'push' },
    want: { event: 'push', trigger: true },
  },
  {
    name: 'gitea forged X-Gitea-Signature is refused even with a good hub signature',
    type: 'gitea',
    headers: {
      'X-Gitea-Signature': 'cd'.repeat(32),
      'X-Hub-Signature-256': `sha256=${good}`,
      'X-Gitea-Event': 'push',
    },
    want: { code: 'InvalidSignature', header: 'X-Gitea-Signature' },
  },
  {
    name: 'gitea tampered body',
    type: 'gitea',
    headers: { 'X-Gitea-Signature': good, 'X-Gitea-Event': 'push' },
    body: Buffer.concat([body, Buffer.from(' ')]),
    want: { code: 'InvalidSignature' },
  },
  {
    name: 'gitea missing signature',
    type: 'gitea',
    headers: { 'X-Gitea-Event': 'push' },
    want: { code: 'InvalidSignature', header: 'X-Gitea-Signature or X-Hub-Signature-256' },
  },
  {
    name: 'generic signed delivery always triggers',
    type: 'generic',
    headers: { 'X-Moor-Signature': `sha256=${good}` },
    want: { event: 'generic', trigger: true },
  },
  {
    name: 'generic signed with another token',
    type: 'generic',
    headers: { 'X-Moor-Signature': `sha256=${hmac(body, 'nope')}` },
    want: { code: 'InvalidSignature', header: 'X-Moor-Signature' },
  },
  {
    name: 'generic missing signature',
    type: 'generic',
    headers: {},
    want: { code: 'InvalidSignature', header: 'X-Moor-Signature' },
  },
  {
    name: 'github delivery id is kept to tell a replay',
    type: 'github',
    headers: {
      'X-Hub-Signature-256': `sha256=${good}`,
      'X-GitHub-Event': 'push',
      'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    },
    want: { event: 'push', trigger: true, id: '72d3162e-cc78-11e3-81ab-4c9367dc0958' },
  },
  {
    name: 'gitlab event UUID is the delivery id',
    type: 'gitlab',
    headers: {
      'X-Gitlab-Token': token,
      'X-Gitlab-Event': 'Push Hook',
      'X-Gitlab-Event-UUID': 'u-1',
    },
    want: { event: 'Push Hook', trigger: true, id: 'u-1' },
  },
  {
    name: 'gitea delivery id',
    type: 'gitea',
    headers: { 'X-Gitea-Signature': good, 'X-Gitea-Event': 'push', 'X-Gitea-Delivery': 'd-7' },
    want: { event: 'push', trigger: true, id: 'd-7' },
  },
  {
    name: 'generic with a timestamp signs "<timestamp>.<body>"',
    type: 'generic',
    headers: {
      'X-Moor-Timestamp': '1700000000',
      'X-Moor-Signature': `sha256=${hmac(Buffer.concat([Buffer.from('1700000000.'), body]), token)}`,
    },
    want: {
      event: 'generic',
      trigger: true,
      id: `1700000000.sha256=${hmac(Buffer.concat([Buffer.from('1700000000.'), body]), token)}`,
      timestampMs: 1_700_000_000_000,
    },
  },
  {
    name: 'generic timestamp not covered by the signature is refused (it could be rewritten)',
    type: 'generic',
    headers: { 'X-Moor-Timestamp': '1700000000', 'X-Moor-Signature': `sha256=${good}` },
    want: { code: 'InvalidSignature', header: 'X-Moor-Signature' },
  },
  {
    name: 'generic timestamp that is not unix seconds',
    type: 'generic',
    headers: { 'X-Moor-Timestamp': 'yesterday', 'X-Moor-Signature': `sha256=${good}` },
    want: { code: 'InvalidSignature', header: 'X-Moor-Timestamp' },
  },
  {
    name: 'a signature of the wrong length is refused, not thrown on',
    type: 'github',
    headers: { 'X-Hub-Signature-256': `sha256=${good.slice(0, 62)}`, 'X-GitHub-Event': 'push' },
    want: { code: 'InvalidSignature', header: 'X-Hub-Signature-256' },
  },
  {
    name: 'unknown type',
    type: 'bitbucket',
    headers: { 'X-Hub-Signature-256': `sha256=${good}` },
    want: { code: 'Unsupported' },
  },
  {
    name: 'inherited property names are not types',
    type: 'toString',
    headers: {},
    want: { code: 'Unsupported' },
  },
];

test('verifyDelivery checks signatures and decides what triggers', () => {
  for (const c of cases) {
    const got = verifyDelivery(c.type, c.headers, c.body ?? body, token, c.events);
    if ('code' in c.want) {
      assert.equal(got.ok, false, c.name);
      if (got.ok) continue;
      assert.equal(got.error.code, c.want.code, c.name);
      assert.match(got.error.message, new RegExp(c.type), c.name);
      if (c.want.header !== undefined) assert.equal(got.error.data.header, c.want.header, c.name);
    } else {
      assert.deepEqual(got, { ok: true, value: c.want }, c.name);
    }
  }
});

test('verifyDelivery reads fetch Headers as well as records', () => {
  const headers = new Headers({
    'X-Hub-Signature-256': `sha256=${good}`,
    'X-GitHub-Event': 'push',
  });
  assert.deepEqual(verifyDelivery('github', headers, body, token), {
    ok: true,
    value: { event: 'push', trigger: true },
  });
});
