import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { kubeconfigPathOf, readStaticAccess } from './kubeconfig.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');

function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown>): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'main',
    contexts: [
      { name: 'main', context: { cluster: 'c', user: 'u' } },
      { name: 'other', context: { cluster: 'c2', user: 'u' } },
    ],
    clusters: [
      { name: 'c', cluster },
      { name: 'c2', cluster: { server: 'https://other:6443' } },
    ],
    users: [{ name: 'u', user }],
  });
}

void test('a static kubeconfig: server, CA, client certificate and key, token, basic auth', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'moor-kubeconfig-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'ca.crt'), 'CA FROM FILE');
  const path = join(dir, 'config');
  const text = kubeconfig(
    { server: 'https://127.0.0.1:6443', 'certificate-authority': 'ca.crt' },
    { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') },
  );
  const access = readStaticAccess(text, path);
  assert.equal(access?.server, 'https://127.0.0.1:6443');
  assert.equal(access.ca?.toString(), 'CA FROM FILE', 'relative to the kubeconfig');
  assert.equal(access.cert?.toString(), 'CERT');
  assert.equal(access.key?.toString(), 'KEY');
  assert.equal(access.insecureSkipTlsVerify, false);
  assert.deepEqual(access.headers, {});

  assert.equal(readStaticAccess(text, path, 'other')?.server, 'https://other:6443');
  const token = readStaticAccess(
    kubeconfig({ server: 'https://s', 'insecure-skip-tls-verify': true }, { token: 'abc' }),
    path,
  );
  assert.deepEqual(token?.headers, { Authorization: 'Bearer abc' });
  assert.equal(token.insecureSkipTlsVerify, true);
  const basic = readStaticAccess(
    kubeconfig({ server: 'https://s' }, { username: 'jane', password: 'pw' }),
    path,
  );
  assert.deepEqual(basic?.headers, { Authorization: `Basic ${b64('jane:pw')}` });
  assert.throws(
    () =>
      readStaticAccess(
        kubeconfig({ server: 'https://s', 'certificate-authority': 'no' }, {}),
        path,
      ),
    /ENOENT/,
  );
});

void test('what only client-node reads is left to it', () => {
  const leftToClientNode = [
    kubeconfig({ server: 'https://s' }, { exec: { command: 'aws' } }),
    kubeconfig({ server: 'https://s' }, { 'auth-provider': { name: 'oidc' } }),
    kubeconfig({ server: 'https://s' }, { tokenFile: '/var/run/token' }),
    kubeconfig({ server: 'https://s' }, { as: 'someone' }),
    kubeconfig({ server: 'https://s', 'proxy-url': 'http://proxy' }, {}),
    kubeconfig({}, {}),
    stringify({ 'current-context': 'missing', contexts: [] }),
    'just text',
  ];
  for (const text of leftToClientNode) assert.equal(readStaticAccess(text, '/k'), undefined, text);
});

void test('the kubeconfig file: the flag, then one KUBECONFIG file, then ~/.kube/config if present', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'moor-home-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  assert.equal(kubeconfigPathOf('/flag', { KUBECONFIG: '/env' }), '/flag');
  assert.equal(kubeconfigPathOf(undefined, { KUBECONFIG: '/env', HOME: home }), '/env');
  assert.equal(kubeconfigPathOf(undefined, { KUBECONFIG: '/a:/b', HOME: home }), undefined);
  assert.equal(kubeconfigPathOf(undefined, { HOME: home }), undefined, 'in-cluster or default');
  await mkdir(join(home, '.kube'));
  await writeFile(join(home, '.kube', 'config'), '');
  assert.equal(kubeconfigPathOf(undefined, { HOME: home }), join(home, '.kube', 'config'));
});
