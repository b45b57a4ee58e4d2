// Signed commits against a real repository served over smart HTTP, checked as a reviewer would:
// `git verify-commit` with an allowed-signers file (SSH) or a keyring holding only the public key
// (OpenPGP). No signing key is left on disk and no gpg-agent keeps running.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  createTestRepo,
  startHttpGitServer,
  type HttpGitServer,
  type TestRepo,
} from '../../test/helpers/git-server.ts';
import { createSigningKeys, type SigningKeys } from '../../test/helpers/signing-keys.ts';
import { createGitClient, signingFromSecret, type CommitSigning, type GitAuth } from './index.ts';

const auth: GitAuth = { kind: 'basic', username: 'bot', password: 'pa55-sign' };
const signal = (): AbortSignal => AbortSignal.timeout(90_000);
const author = { name: 'Moor', email: 'moor@example.invalid' };

let repo: TestRepo;
let server: HttpGitServer;
let keys: SigningKeys;
let scratch: string;
before(async () => {
  repo = await createTestRepo({ files: { 'app.yaml': 'image: web:1\n' } });
  server = await startHttpGitServer(repo, { basic: auth });
  keys = await createSigningKeys(author.email);
  scratch = await mkdtemp(join(tmpdir(), 'moor-sign-scratch-'));
});
after(async () => {
  await server.close();
  await repo.close();
  await keys.close();
  await rm(scratch, { recursive: true, force: true });
});

/** Processes whose command line names a path under `dir` (a gpg-agent left running). */
async function processesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(dir)) found.push(cmdline.replace(/\0/g, ' '));
  }
  return found;
}

const setImage = (tag: string) => async (dir: string) => {
  const path = join(dir, 'app.yaml');
  const text = await readFile(path, 'utf8');
  await writeFile(path, text.replace(/web:\S+/, `web:${tag}`));
  return `Set web to ${tag}`;
};

async function pushSigned(signing: CommitSigning, tag: string) {
  const git = createGitClient({ timeoutMs: 60_000, env: process.env, tmpDir: scratch });
  const update = {
    checkoutBranch: 'main',
    pushBranch: 'main',
    author,
    attempts: 2,
    edit: setImage(tag),
    signing,
  };
  const done = await git.updateBranch(server.url, auth, update, signal());
  assert.ok(done.ok, done.ok ? '' : done.error.message);
  assert.equal(await repo.revParse('HEAD'), done.value.head);
  // The scratch dir (key files, keyring) is gone once the call returns.
  assert.deepEqual(await readdir(scratch), []);
  assert.deepEqual(await processesUnder(scratch), []);
  return done.value.head;
}

test('an SSH key signs the pushed commit; verify-commit accepts it for the author', async () => {
  const signing = signingFromSecret({ identity: keys.ssh.privateKey }, 'Secret ns/sign');
  assert.ok(signing.ok, signing.ok ? '' : signing.error);
  const sha = await pushSigned(signing.value, '2');
  const verified = await keys.verifySsh(repo.dir, sha);
  assert.ok(verified.ok, verified.output);
  assert.match(verified.output, /Good "git" signature for moor@example\.invalid/);
  assert.match(await repo.git('cat-file', 'commit', sha), /-----BEGIN SSH SIGNATURE-----/);
  // An unsigned commit does not pass the same check.
  const unsigned = await repo.commit({ 'other.txt': 'x\n' }, 'by hand');
  assert.equal((await keys.verifySsh(repo.dir, unsigned)).ok, false);
});

test('an OpenPGP key with a passphrase signs the pushed commit; its public key verifies it', async () => {
  const data = { 'git.asc': keys.openpgp.armored, passphrase: keys.openpgp.passphrase };
  const signing = signingFromSecret(data, 'Secret ns/sign');
  assert.ok(signing.ok, signing.ok ? '' : signing.error);
  const sha = await pushSigned(signing.value, '3');
  const verified = await keys.verifyOpenPgp(repo.dir, sha);
  assert.ok(verified.ok, verified.output);
  assert.match(verified.output, /Good signature from "Moor Test <moor@example\.invalid>"/);
});

test('a wrong OpenPGP passphrase is a clear error and pushes nothing', async () => {
  const head = await repo.revParse('main');
  const data = { 'git.asc': keys.openpgp.armored, passphrase: 'not it' };
  const signing = signingFromSecret(data, 'Secret ns/sign');
  assert.ok(signing.ok);
  const git = createGitClient({ timeoutMs: 60_000, env: process.env, tmpDir: scratch });
  const update = {
    checkoutBranch: 'main',
    pushBranch: 'main',
    author,
    attempts: 1,
    edit: setImage('4'),
    signing: signing.value,
  };
  const done = await git.updateBranch(server.url, auth, update, signal());
  assert.equal(done.ok, false);
  assert.match(
    done.ok ? '' : done.error.message,
    /: failed: the commit could not be signed with the signing key \(a wrong passphrase\?\): .*failed to sign/,
  );
  assert.doesNotMatch(done.ok ? '' : done.error.message, /not it/);
  assert.equal(await repo.revParse('main'), head);
  assert.deepEqual(await readdir(scratch), []);
});
