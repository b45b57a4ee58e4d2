// The Git test servers work with the plain git CLI, as a user of Moor's tests would run it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  closedPortUrl,
  createTestRepo,
  fileUrl,
  startHttpGitServer,
  startSshGitServer,
  type HttpGitServer,
  type TestRepo,
} from './git-server.ts';

function git(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        timeout: 20_000,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: tmpdir(),
          GIT_TERMINAL_PROMPT: '0',
          LC_ALL: 'C',
          ...env,
        },
      },
      (error, stdout, stderr) =>
        error ? reject(new Error(stderr || error.message)) : resolve(stdout),
    );
  });
}

const basicHeader = (user: string, password: string): string =>
  `http.extraHeader=Authorization: Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let repo: TestRepo;
let server: HttpGitServer;
let scratch: string;
let first: string;

before(async () => {
  repo = await createTestRepo({ files: { 'a.txt': 'a\n' } });
  first = await repo.revParse('HEAD');
  server = await startHttpGitServer(repo, {
    basic: { username: 'alice', password: 'secret-pw' },
    bearerToken: 'tok-123',
  });
  scratch = await mkdtemp(join(tmpdir(), 'moor-git-helper-'));
});

after(async () => {
  await server.close();
  await repo.close();
  await rm(scratch, { recursive: true, force: true });
});

test('a test repo commits on main, tags, and reports full shas', async () => {
  const second = await repo.commit({ 'b/c.txt': 'c\n', 'a.txt': null }, 'second');
  assert.match(second, /^[0-9a-f]{40}$/);
  assert.notEqual(second, first);
  assert.equal((await repo.git('branch', '--show-current')).trim(), 'main');
  assert.equal((await repo.git('ls-tree', '-r', '--name-only', 'HEAD')).trim(), 'b/c.txt');
  assert.equal(await repo.tag('v0.1.0', { target: first, message: 'annotated' }), first);
  assert.equal((await repo.git('cat-file', '-t', 'refs/tags/v0.1.0')).trim(), 'tag');
});

test('the HTTP server answers 401 with a Basic challenge without credentials', async () => {
  const response = await fetch(`${server.url}/info/refs?service=git-upload-pack`);
  assert.equal(response.status, 401);
  assert.match(response.headers.get('www-authenticate') ?? '', /^Basic /);
  const wrong = await fetch(`${server.url}/info/refs?service=git-upload-pack`, {
    headers: { authorization: 'Bearer nope' },
  });
  assert.equal(wrong.status, 401);
});

test('the HTTP server serves git with basic auth or a bearer token', async () => {
  const listed = await git(['-c', basicHeader('alice', 'secret-pw'), 'ls-remote', server.url]);
  assert.match(listed, /\trefs\/heads\/main\n/);
  const bearer = await fetch(`${server.url}/info/refs?service=git-upload-pack`, {
    headers: { authorization: 'Bearer tok-123' },
  });
  assert.equal(bearer.status, 200);
  assert.equal(bearer.headers.get('content-type'), 'application/x-git-upload-pack-advertisement');
  await bearer.arrayBuffer();
});

test('the HTTP server accepts pushes (tags)', async () => {
  const clone = join(scratch, 'clone');
  await git(['-c', basicHeader('alice', 'secret-pw'), 'clone', '-q', server.url, clone]);
  await git(['-C', clone, 'tag', 'pushed']);
  await git([
    '-C',
    clone,
    '-c',
    basicHeader('alice', 'secret-pw'),
    'push',
    '-q',
    'origin',
    'pushed',
  ]);
  assert.equal(await repo.revParse('refs/tags/pushed'), await repo.revParse('main'));
});

test('the SSH server lets the generated key in and names its host key for known_hosts', async () => {
  const ssh = await startSshGitServer(repo);
  try {
    assert.match(ssh.url, new RegExp(`^ssh://[^@]+@127\\.0\\.0\\.1:${ssh.port}/`));
    assert.match(
      ssh.knownHosts,
      new RegExp(`^\\[127\\.0\\.0\\.1\\]:${ssh.port} ssh-ed25519 \\S+\\n$`),
    );
    const key = join(scratch, 'key');
    const knownHosts = join(scratch, 'known_hosts');
    await writeFile(key, ssh.identity, { mode: 0o600 });
    await writeFile(knownHosts, ssh.knownHosts);
    const command = `ssh -F /dev/null -i ${key} -o IdentitiesOnly=yes -o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes -o BatchMode=yes`;
    const listed = await git(['ls-remote', ssh.url], { GIT_SSH_COMMAND: command });
    assert.match(listed, /\trefs\/heads\/main\n/);
  } finally {
    await ssh.close();
  }
  const refused = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: ssh.port });
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });
  assert.ok(refused, 'sshd still listens after close()');
});

test('file URLs and closed ports', async () => {
  assert.match(await git(['ls-remote', fileUrl(repo)]), /\trefs\/heads\/main\n/);
  await assert.rejects(
    git(['ls-remote', await closedPortUrl()]),
    /Failed to connect|Couldn't connect/,
  );
});
