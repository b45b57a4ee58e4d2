// The test registry serves the distribution API on loopback, with and without basic auth, and
// the crane the set-up builds pushes to it and lists its tags.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startTestRegistry } from './registry.ts';

const CRANE = join(import.meta.dirname, '../../.cache/bin/crane');

function crane(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      CRANE,
      args,
      { timeout: 30_000, env: { HOME: tmpdir(), PATH: '/usr/bin:/bin' } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`crane ${args.join(' ')}: ${stderr || error.message}`));
        else resolve(stdout);
      },
    );
  });
}

test('an open registry answers /v2/ and lists the tags crane pushed', async () => {
  await using registry = await startTestRegistry();
  assert.equal((await fetch(`${registry.url}/v2/`)).status, 200);
  const dir = await mkdtemp(join(tmpdir(), 'moor-layer-'));
  try {
    await writeFile(join(dir, 'layer.tar'), Buffer.alloc(1024));
    for (const tag of ['1.0.0', '1.1.0']) {
      await crane([
        'append',
        '--insecure',
        '-f',
        join(dir, 'layer.tar'),
        '-t',
        `${registry.host}/app:${tag}`,
      ]);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const tags = (await crane(['ls', '--insecure', `${registry.host}/app`])).trim().split('\n');
  assert.deepEqual(tags.sort(), ['1.0.0', '1.1.0']);
});

test('a registry with basic auth refuses anonymous and wrong credentials', async () => {
  await using registry = await startTestRegistry({ auth: { username: 'ci', password: 's3cret' } });
  assert.equal((await fetch(`${registry.url}/v2/`)).status, 401);
  const basic = (user: string, pass: string): string =>
    `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  const wrong = await fetch(`${registry.url}/v2/`, {
    headers: { authorization: basic('ci', 'nope') },
  });
  assert.equal(wrong.status, 401);
  const right = await fetch(`${registry.url}/v2/`, {
    headers: { authorization: basic('ci', 's3cret') },
  });
  assert.equal(right.status, 200);
});
