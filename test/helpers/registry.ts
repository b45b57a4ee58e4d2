// A real container registry for tests: Debian's `docker-registry` (CNCF distribution 2.8) on
// 127.0.0.1 and a free port, storage and config in a temp dir, optionally behind htpasswd basic
// auth. Each registry is started and closed by the test that uses it.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REGISTRY = '/usr/bin/docker-registry';
const READY_TIMEOUT_MS = 15_000;

export type TestRegistry = {
  /** `127.0.0.1:PORT`: the registry host as image references name it. */
  readonly host: string;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Basic-auth credentials when started with `auth`. */
  readonly auth: { username: string; password: string } | undefined;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

export type TestRegistryOptions = {
  /** Require htpasswd basic auth with these credentials. */
  auth?: { username: string; password: string };
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function htpasswdLine(username: string, password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'htpasswd',
      ['-nbB', username, password],
      { timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`htpasswd failed: ${stderr || error.message}`));
        else resolve(stdout.trim());
      },
    );
  });
}

function config(dir: string, port: number, auth: boolean): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
  ];
  if (auth) {
    lines.push(
      'auth:',
      '  htpasswd:',
      '    realm: moor-test',
      `    path: ${join(dir, 'htpasswd')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function waitReady(url: string, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${logs()}`);
    try {
      // 200 without auth, 401 with it: either way the registry answers the distribution API.
      const response = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`docker-registry did not answer within ${READY_TIMEOUT_MS} ms: ${logs()}`);
}

/** Starts a registry on loopback (Debian package `docker-registry`). */
export async function startTestRegistry(options: TestRegistryOptions = {}): Promise<TestRegistry> {
  if (!existsSync(REGISTRY))
    throw new Error(`${REGISTRY} not found: apt-get install -y docker-registry`);
  const dir = await mkdtemp(join(tmpdir(), 'moor-registry-'));
  const port = await freePort();
  if (options.auth) {
    const line = await htpasswdLine(options.auth.username, options.auth.password);
    await writeFile(join(dir, 'htpasswd'), `${line}\n`, { mode: 0o600 });
  }
  await writeFile(join(dir, 'config.yml'), config(dir, port, Boolean(options.auth)));
  const child = spawn(REGISTRY, ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const url = `http://127.0.0.1:${port}`;
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, () => stderr);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    host: `127.0.0.1:${port}`,
    url,
    auth: options.auth,
    close,
    [Symbol.asyncDispose]: close,
  };
}
