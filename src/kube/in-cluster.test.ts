import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inClusterApiAccess, inClusterServer } from './in-cluster.ts';

test('inClusterServer: host and port, IPv6 in brackets', () => {
  assert.equal(inClusterServer('10.0.0.1', '443'), 'https://10.0.0.1:443');
  assert.equal(inClusterServer('fd00::1', '6443'), 'https://[fd00::1]:6443');
});

test('in-cluster access: the token file is read again when it is rotated', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'moor-sa-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'ca.crt'), 'not checked until a connection');
  await writeFile(join(dir, 'token'), 'first-token\n');
  const access = inClusterApiAccess({ dir, host: '127.0.0.1', port: '6443' });
  assert.equal(access.server, 'https://127.0.0.1:6443');
  const auth = await access.prepare();
  assert.deepEqual(await auth.headers(), { Authorization: 'Bearer first-token' });
  await writeFile(join(dir, 'token'), 'second-token-rotated\n');
  assert.deepEqual(await auth.headers(), { Authorization: 'Bearer second-token-rotated' });
  await rm(join(dir, 'token'));
  await assert.rejects(auth.headers(), /in-cluster credentials in .*: token is missing/);
});

test('in-cluster access: no CA or no service host is a clear error', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'moor-sa-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.throws(
    () => inClusterApiAccess({ dir, host: '127.0.0.1', port: '1' }),
    /ca\.crt cannot be read/,
  );
  assert.throws(() => inClusterApiAccess({ dir, host: '', port: '' }), /KUBERNETES_SERVICE_HOST/);
});
