// Real Git repositories and servers for tests: repositories in temp dirs, served over smart HTTP
// (`git http-backend` as CGI), SSH (Debian's `sshd` on its own config) and file://, all on
// 127.0.0.1 and a free port. Each server is started and closed by the test that uses it.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const AUTHOR = ['-c', 'user.name=Moor Test', '-c', 'user.email=test@moor.invalid'];
const EXEC_TIMEOUT_MS = 30_000;
const READY_TIMEOUT_MS = 10_000;

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: tmpdir(),
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    ...extra,
  };
}

function run(file: string, args: readonly string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd, env: cleanEnv(), timeout: EXEC_TIMEOUT_MS, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`${file} ${args.join(' ')} failed: ${stderr || error.message}`));
        else resolve(stdout);
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Repositories

export type TestRepo = {
  /** The repository's working tree (also its path on disk). */
  readonly dir: string;
  /** The temp dir that holds the repository; servers serve this dir. */
  readonly root: string;
  readonly name: string;
  /** Runs git in the repository and returns stdout. */
  git(...args: string[]): Promise<string>;
  /** Writes (or with `null` deletes) files, commits them all, returns the new commit sha. */
  commit(files: Record<string, string | null>, message?: string): Promise<string>;
  /** Creates or moves a tag (annotated when a message is given); returns the commit sha it names. */
  tag(name: string, options?: { target?: string; message?: string }): Promise<string>;
  /** Switches to a branch, creating it at the current commit if it does not exist. */
  checkout(branch: string): Promise<void>;
  /** The full sha of a revision. */
  revParse(rev: string): Promise<string>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

/** Creates a repository (default branch `main`) in a new temp dir, with an optional first commit. */
export async function createTestRepo(
  options: { name?: string; files?: Record<string, string> } = {},
): Promise<TestRepo> {
  const root = await mkdtemp(join(tmpdir(), 'moor-git-repo-'));
  const name = options.name ?? 'repo';
  const dir = join(root, name);
  await run('git', ['init', '-q', '-b', 'main', dir]);
  const git = (...args: string[]): Promise<string> => run('git', [...AUTHOR, ...args], dir);
  // Serving: allow pushes over HTTP (tags for Git writeback) and to the checked-out branch.
  await git('config', 'http.receivepack', 'true');
  await git('config', 'receive.denyCurrentBranch', 'updateInstead');

  const repo: TestRepo = {
    dir,
    root,
    name,
    git,
    async commit(files, message = 'change') {
      for (const [path, content] of Object.entries(files)) {
        const full = join(dir, path);
        if (content === null) {
          await rm(full, { force: true });
        } else {
          await mkdir(dirname(full), { recursive: true });
          await writeFile(full, content);
        }
      }
      await git('add', '--all');
      await git('commit', '-q', '--allow-empty', '-m', message);
      return repo.revParse('HEAD');
    },
    async tag(tagName, { target = 'HEAD', message } = {}) {
      const args = message === undefined ? [] : ['-a', '-m', message];
      await git('tag', '-f', ...args, tagName, target);
      return repo.revParse(`${tagName}^{commit}`);
    },
    async checkout(branch) {
      const exists = await git('branch', '--list', branch);
      await git('checkout', '-q', ...(exists.trim() ? [] : ['-b']), branch);
    },
    async revParse(rev) {
      return (await git('rev-parse', '--verify', rev)).trim();
    },
    async close() {
      await rm(root, { recursive: true, force: true });
    },
    [Symbol.asyncDispose]() {
      return repo.close();
    },
  };
  if (options.files) await repo.commit(options.files, 'initial');
  return repo;
}

/** The repository as a `file://` URL. */
export function fileUrl(repo: TestRepo): string {
  return pathToFileURL(repo.dir).href;
}

// ---------------------------------------------------------------------------------------------
// Smart HTTP

export type HttpGitServerOptions = {
  /** Accept `Authorization: Basic` with these credentials. */
  basic?: { username: string; password: string };
  /** Accept `Authorization: Bearer <token>`. */
  bearerToken?: string;
};

export type HttpGitRequest = { method: string; path: string; authorization: string | undefined };

export type HttpGitServer = {
  /** URL of the repository the server was started for. */
  readonly url: string;
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  /** Every request received, in order (the Authorization header as sent). */
  readonly requests: readonly HttpGitRequest[];
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function authorize(header: string | undefined, options: HttpGitServerOptions): string | undefined {
  if (!options.basic && options.bearerToken === undefined) return '';
  if (!header) return undefined;
  const [scheme = '', value = ''] = header.split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer' && options.bearerToken !== undefined) {
    return safeEqual(value, options.bearerToken) ? 'bearer' : undefined;
  }
  if (scheme.toLowerCase() === 'basic' && options.basic) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const { username, password } = options.basic;
    return safeEqual(decoded, `${username}:${password}`) ? username : undefined;
  }
  return undefined;
}

function cgiEnv(req: IncomingMessage, root: string, user: string): NodeJS.ProcessEnv {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const env = cleanEnv({
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method ?? 'GET',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
  });
  if (user) env.REMOTE_USER = user;
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
  for (const [key, value] of Object.entries(req.headers)) {
    if (typeof value === 'string' && key !== 'authorization') {
      env[`HTTP_${key.toUpperCase().replace(/-/g, '_')}`] = value;
    }
  }
  return env;
}

/** Sends a CGI response (headers, blank line, body) from `git http-backend` as an HTTP response. */
function relayCgi(child: ChildProcess, res: ServerResponse): void {
  let head = Buffer.alloc(0);
  let headerDone = false;
  child.stdout?.on('data', (chunk: Buffer) => {
    if (headerDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const text = head.toString('latin1');
    const match = /\r?\n\r?\n/.exec(text);
    if (!match) return;
    headerDone = true;
    let status = 200;
    for (const line of text.slice(0, match.index).split(/\r?\n/)) {
      const colon = line.indexOf(':');
      const key = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else if (colon > 0) res.setHeader(key, value);
    }
    res.writeHead(status);
    res.write(head.subarray(match.index + match[0].length));
  });
  child.on('close', () => {
    if (!headerDone && !res.headersSent) res.writeHead(502);
    res.end();
  });
}

/** Serves `repo` (and its siblings in `repo.root`) over smart HTTP with `git http-backend`. */
export async function startHttpGitServer(
  repo: TestRepo,
  options: HttpGitServerOptions = {},
): Promise<HttpGitServer> {
  const requests: HttpGitRequest[] = [];
  const server = createServer((req, res) => {
    const authorization = req.headers.authorization;
    requests.push({ method: req.method ?? '', path: req.url ?? '', authorization });
    const user = authorize(authorization, options);
    if (user === undefined) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="moor-test"' }).end('unauthorized\n');
      req.resume();
      return;
    }
    const child = spawn('git', ['http-backend'], {
      env: cgiEnv(req, repo.root, user),
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    child.on('error', () => res.headersSent || res.writeHead(500).end());
    child.stdin.on('error', () => undefined);
    req.pipe(child.stdin);
    relayCgi(child, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('http server has no port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const close = async (): Promise<void> => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `${baseUrl}/${repo.name}`,
    baseUrl,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}

// ---------------------------------------------------------------------------------------------
// SSH

export type SshGitServer = {
  /** `ssh://USER@127.0.0.1:PORT/<abs path of the repo>`. */
  readonly url: string;
  readonly port: number;
  /** Private key (OpenSSH format) that the server accepts. */
  readonly identity: string;
  readonly publicKey: string;
  /** `[127.0.0.1]:PORT ssh-ed25519 …`: the server's host key, for the client's known_hosts. */
  readonly knownHosts: string;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

const SSHD = '/usr/sbin/sshd';

async function findFreePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** Resolves once something on the port answers with an SSH banner. */
function probeSsh(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString('latin1').startsWith('SSH-'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function waitForSshd(child: ChildProcess, port: number, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${log()}`);
    if (await probeSsh(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `sshd did not listen on 127.0.0.1:${port} within ${READY_TIMEOUT_MS}ms: ${log()}`,
  );
}

function sshdConfig(dir: string, port: number): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_key')}`,
    'PidFile none',
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'StrictModes no',
    'UsePAM no',
    'AcceptEnv GIT_PROTOCOL',
    'LogLevel ERROR',
    '',
  ].join('\n');
}

async function spawnSshd(dir: string): Promise<{ child: ChildProcess; port: number }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await findFreePort();
    await writeFile(join(dir, 'sshd_config'), sshdConfig(dir, port));
    const child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    try {
      await waitForSshd(child, port, () => stderr);
      return { child, port };
    } catch (error) {
      lastError = error;
      child.kill('SIGKILL');
    }
  }
  throw lastError;
}

/**
 * Serves `repo` over SSH with Debian's sshd (package openssh-server) on its own config, host key
 * and authorized key. The login user is the current user (sshd authenticates system users).
 */
export async function startSshGitServer(repo: TestRepo): Promise<SshGitServer> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} not found: apt-get install -y openssh-server`);
  // sshd running as root needs its privilege separation dir.
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = await mkdtemp(join(tmpdir(), 'moor-git-sshd-'));
  const keygen = (file: string): Promise<string> =>
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'moor-test', '-f', join(dir, file)]);
  await Promise.all([keygen('host_key'), keygen('client_key')]);
  const publicKey = (await readFile(join(dir, 'client_key.pub'), 'utf8')).trim();
  await writeFile(join(dir, 'authorized_keys'), `${publicKey}\n`, { mode: 0o600 });
  const identity = await readFile(join(dir, 'client_key'), 'utf8');
  const [keyType, hostKey] = (await readFile(join(dir, 'host_key.pub'), 'utf8')).split(' ');

  const { child, port } = await spawnSshd(dir).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  return {
    url: `ssh://${userInfo().username}@127.0.0.1:${port}${repo.dir}`,
    port,
    identity,
    publicKey,
    knownHosts: `[127.0.0.1]:${port} ${keyType} ${hostKey}\n`,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A known_hosts line for the server's address with a different (freshly made) host key. */
export async function createWrongKnownHosts(server: SshGitServer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'moor-git-key-'));
  try {
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')]);
    const [keyType, key] = (await readFile(join(dir, 'k.pub'), 'utf8')).split(' ');
    return `[127.0.0.1]:${server.port} ${keyType} ${key}\n`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A loopback URL where nothing listens (the port was free a moment ago). */
export async function closedPortUrl(path = 'repo'): Promise<string> {
  return `http://127.0.0.1:${await findFreePort()}/${basename(path)}`;
}
