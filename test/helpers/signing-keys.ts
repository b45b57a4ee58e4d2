// Signing keys for tests, made by the real tools (ssh-keygen, gpg), and the checks a reviewer
// would run on a signed commit: `git verify-commit` with an allowed-signers file or a keyring that
// holds the public key only.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function run(
  program: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      program,
      args,
      { timeout: 60_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function must(program: string, args: string[], env?: Record<string, string>) {
  const r = await run(program, args, env);
  if (r.code !== 0) throw new Error(`${program} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export type SigningKeys = {
  /** An ed25519 SSH private key (OpenSSH format, no passphrase) and its public line. */
  readonly ssh: { readonly privateKey: string; readonly publicKey: string };
  /** An ASCII-armored OpenPGP secret key protected by `passphrase`. */
  readonly openpgp: { readonly armored: string; readonly passphrase: string };
  /** `git verify-commit` of `sha` in `repoDir`, the SSH public key allowed to sign for `email`. */
  verifySsh(repoDir: string, sha: string): Promise<{ ok: boolean; output: string }>;
  /** `git verify-commit` of `sha` with a keyring holding only the OpenPGP public key. */
  verifyOpenPgp(repoDir: string, sha: string): Promise<{ ok: boolean; output: string }>;
  close(): Promise<void>;
};

export async function createSigningKeys(email: string): Promise<SigningKeys> {
  const dir = await mkdtemp(join(tmpdir(), 'moor-signing-'));
  const sshFile = join(dir, 'id_ed25519');
  await must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', email, '-f', sshFile]);
  const ssh = {
    privateKey: await readFile(sshFile, 'utf8'),
    publicKey: (await readFile(`${sshFile}.pub`, 'utf8')).trim(),
  };
  const allowed = join(dir, 'allowed_signers');
  await writeFile(allowed, `${email} ${ssh.publicKey}\n`);

  const secretHome = await mkdtemp(join(tmpdir(), 'moor-gpg-'));
  const publicHome = await mkdtemp(join(tmpdir(), 'moor-gpg-'));
  const passphrase = 'sign me, 42';
  const gpg = (home: string, args: string[]) =>
    must('gpg', ['--batch', '--pinentry-mode', 'loopback', ...args], { GNUPGHOME: home });
  await gpg(secretHome, [
    '--passphrase',
    passphrase,
    '--quick-gen-key',
    `Moor Test <${email}>`,
    'ed25519',
    'sign',
    'never',
  ]);
  const armored = await gpg(secretHome, [
    '--passphrase',
    passphrase,
    '--armor',
    '--export-secret-keys',
    email,
  ]);
  const publicKey = await gpg(secretHome, ['--armor', '--export', email]);
  await writeFile(join(dir, 'public.asc'), publicKey);
  await gpg(publicHome, ['--import', join(dir, 'public.asc')]);
  const verify = async (repoDir: string, args: string[], env: Record<string, string> = {}) => {
    const r = await run('git', ['-C', repoDir, ...args], { HOME: dir, ...env });
    return { ok: r.code === 0, output: `${r.stdout}${r.stderr}` };
  };
  const stopAgent = (home: string) => run('gpgconf', ['--kill', 'gpg-agent'], { GNUPGHOME: home });
  return {
    ssh,
    openpgp: { armored, passphrase },
    verifySsh: (repoDir, sha) =>
      verify(repoDir, ['-c', `gpg.ssh.allowedSignersFile=${allowed}`, 'verify-commit', sha]),
    verifyOpenPgp: (repoDir, sha) =>
      verify(repoDir, ['verify-commit', sha], { GNUPGHOME: publicHome }),
    async close() {
      await Promise.all([stopAgent(secretHome), stopAgent(publicHome)]);
      await Promise.all(
        [dir, secretHome, publicHome].map((d) => rm(d, { recursive: true, force: true })),
      );
    },
  };
}
