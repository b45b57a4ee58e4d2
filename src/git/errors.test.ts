import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyGitStderr, maskSecrets, summarizeStderr, type GitErrorCode } from './errors.ts';

// Real stderr of git 2.39 / OpenSSH 9.2 (LC_ALL=C) for each failure Moor tells apart.
const table: [string, GitErrorCode][] = [
  [
    "fatal: unable to access 'http://127.0.0.1:1/repo/': Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server",
    'Unreachable',
  ],
  [
    "fatal: unable to access 'https://nope.invalid/r/': Could not resolve host: nope.invalid",
    'Unreachable',
  ],
  [
    'ssh: connect to host 127.0.0.1 port 1: Connection refused\nfatal: Could not read from remote repository.',
    'Unreachable',
  ],
  [
    "fatal: could not read Username for 'http://127.0.0.1:4000': terminal prompts disabled",
    'Unauthorized',
  ],
  [
    "remote: HTTP Basic: Access denied\nfatal: Authentication failed for 'https://gitlab.example/r.git/'",
    'Unauthorized',
  ],
  ["fatal: unable to access 'https://h/r/': The requested URL returned error: 403", 'Unauthorized'],
  [
    'root@127.0.0.1: Permission denied (publickey).\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.',
    'Unauthorized',
  ],
  [
    'No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.\nfatal: Could not read from remote repository.',
    'HostKeyRejected',
  ],
  ["fatal: repository 'http://127.0.0.1:4000/nope/' not found", 'RepositoryNotFound'],
  ["fatal: '/tmp/nope' does not appear to be a git repository", 'RepositoryNotFound'],
  ["fatal: couldn't find remote ref refs/heads/nope", 'RefNotFound'],
  ['error: Server does not allow request for unadvertised object 1234', 'RefNotFound'],
  ['fatal: the remote end hung up unexpectedly', 'Failed'],
];

for (const [stderr, code] of table) {
  test(`classifyGitStderr: ${code} from ${summarizeStderr(stderr).slice(0, 60)}`, () => {
    assert.equal(classifyGitStderr(stderr), code);
  });
}

test('summarizeStderr prefers the fatal line over progress noise', () => {
  assert.equal(
    summarizeStderr('remote: Counting objects\nfatal: the remote end hung up\n'),
    'fatal: the remote end hung up',
  );
  assert.equal(summarizeStderr('just this\n'), 'just this');
});

test('maskSecrets hides passwords, tokens, URL userinfo and Authorization values', () => {
  const text =
    "fatal: unable to access 'https://bob:hunter2@h/r/': token s3cr3t-token rejected; Authorization: Bearer s3cr3t-token";
  const masked = maskSecrets(text, ['hunter2', 's3cr3t-token']);
  assert.doesNotMatch(masked, /hunter2|s3cr3t|bob/);
  assert.match(masked, /https:\/\/\*\*\*@h\/r\//);
});
