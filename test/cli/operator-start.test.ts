// `moor operator` failing while it starts (its composition root: a kubeconfig it cannot load, a
// storage path it cannot create) exits 2 at once with the message, even when its HTTP listener
// was already bound. Needs no cluster: the kubeconfig names a loopback port nothing answers on.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const moorBin = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'bin', 'moor');

type Exit = { code: number | null; stderr: string; ms: number };

/** Runs `bin/moor args…`; killed after `limitMs` (then `code` is null). */
function run(args: readonly string[], limitMs: number): Promise<Exit> {
  const started = Date.now();
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', LC_ALL: 'C' };
  const child = spawn(moorBin, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  return new Promise((done) =>
    child.on('exit', (code) => {
      clearTimeout(killer);
      done({ code, stderr, ms: Date.now() - started });
    }),
  );
}

async function loopbackKubeconfig(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'moor-operator-start-'));
  const path = join(dir, 'kubeconfig');
  await writeFile(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      "clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:1' } }]",
      'users: [{ name: u, user: { token: not-a-secret } }]',
      'contexts: [{ name: x, context: { cluster: c, user: u } }]',
      'current-context: x',
      '',
    ].join('\n'),
  );
  return path;
}

// Node's own start takes a few seconds on a loaded machine; lingering was a minute and more.
const AT_ONCE_MS = 20_000;

const cases = [
  {
    name: 'a kubeconfig that cannot be loaded',
    args: () => Promise.resolve(['--kubeconfig', '/nonexistent/kubeconfig', 'operator']),
    message: /^error: kubeconfig \/nonexistent\/kubeconfig: cannot be loaded: ENOENT/m,
  },
  {
    name: 'a storage path that cannot be created',
    args: async () => [
      '--kubeconfig',
      await loopbackKubeconfig(),
      'operator',
      '--storage-path',
      '/dev/null/artifacts',
    ],
    message:
      /^error: storage path \/dev\/null\/artifacts \(--storage-path\) cannot be created: ENOTDIR/m,
  },
];

for (const c of cases) {
  test(
    `moor operator with ${c.name} exits 2 at once, its listener bound or not`,
    { timeout: 120_000 },
    async () => {
      for (const http of [[], ['--http-addr', '127.0.0.1:0']]) {
        const exit = await run([...(await c.args()), ...http], 90_000);
        const what = `${c.name} ${http.join(' ')}: ${JSON.stringify(exit)}`;
        assert.equal(exit.code, 2, what);
        assert.match(exit.stderr, c.message, what);
        assert.doesNotMatch(exit.stderr, /\n\s+at /, `no stack trace: ${what}`);
        assert.ok(exit.ms < AT_ONCE_MS, what);
      }
    },
  );
}
