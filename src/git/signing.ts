// Commit signing for one session: the key is written into the session's private scratch dir
// (never argv, never a shared keyring) and git is told to sign with it. SSH keys sign through
// ssh-keygen (`gpg.format=ssh`); an OpenPGP key is imported into a keyring of its own in the
// scratch dir, whose gpg-agent is stopped when the session ends.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Result } from '../core/index.ts';
import { GitErrorCode, gitFailure, type GitError } from './errors.ts';
import type { Session } from './session.ts';
import type { CommitSigning } from './signing-key.ts';

export type SigningSetup = {
  /** `-c` options for `git commit`. */
  readonly args: readonly string[];
  /** Variables the commit needs (the OpenPGP keyring). */
  readonly env: Readonly<Record<string, string>>;
  /** Stops what the set-up started; safe to call more than once. */
  readonly close: () => Promise<void>;
};

const GPG_TIMEOUT_MS = 30_000;

function runGpg(
  program: 'gpg' | 'gpgconf',
  args: readonly string[],
  home: string,
  path: string,
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const env = { PATH: path, GNUPGHOME: home, HOME: home };
  return new Promise((resolve) => {
    execFile(
      program,
      [...args],
      { env, timeout: GPG_TIMEOUT_MS, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => resolve({ ok: !error, stdout, stderr }),
    );
  });
}

/** The fingerprint of the first secret key of `--with-colons` output. */
export function secretFingerprintOf(colons: string): string | undefined {
  let inSecret = false;
  for (const line of colons.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === 'sec') inSecret = true;
    else if (inSecret && fields[0] === 'fpr' && /^[0-9A-F]{40,64}$/.test(fields[9] ?? ''))
      return fields[9];
  }
  return undefined;
}

async function openpgpSetup(
  session: Session,
  signing: Extract<CommitSigning, { kind: 'openpgp' }>,
  path: string,
): Promise<Result<SigningSetup, GitError>> {
  const home = join(session.scratchDir, 'gnupg');
  await mkdir(home, { recursive: true, mode: 0o700 });
  const conf = ['batch', 'no-tty', 'pinentry-mode loopback'];
  if (signing.passphrase !== undefined) {
    const file = join(home, 'passphrase');
    await writeFile(file, `${signing.passphrase}\n`, { mode: 0o600 });
    conf.push(`passphrase-file ${file}`);
  }
  await writeFile(join(home, 'gpg.conf'), `${conf.join('\n')}\n`, { mode: 0o600 });
  await writeFile(join(home, 'gpg-agent.conf'), 'allow-loopback-pinentry\n', { mode: 0o600 });
  const keyFile = join(home, 'key.asc');
  await writeFile(keyFile, signing.armoredKey, { mode: 0o600 });
  let stopped = false;
  const close = async () => {
    if (stopped) return;
    stopped = true;
    await runGpg('gpgconf', ['--kill', 'gpg-agent'], home, path);
  };
  const fail = async (detail: string) => {
    await close();
    const context = { op: 'sign', url: session.url.redacted };
    return err(gitFailure(GitErrorCode.Failed, context, { detail }));
  };
  const imported = await runGpg('gpg', ['--import', keyFile], home, path);
  if (!imported.ok) return fail(`the OpenPGP key could not be imported: ${imported.stderr.trim()}`);
  const listed = await runGpg('gpg', ['--with-colons', '--list-secret-keys'], home, path);
  const fingerprint = listed.ok ? secretFingerprintOf(listed.stdout) : undefined;
  if (!fingerprint) return fail('the OpenPGP key holds no secret key to sign with');
  const args = ['-c', 'gpg.format=openpgp', '-c', `user.signingKey=${fingerprint}`];
  return ok({ args, env: { GNUPGHOME: home }, close });
}

/** Prepares `git commit` to sign with `signing` (or not to sign at all). */
export async function signingSetup(
  session: Session,
  signing: CommitSigning | undefined,
  path = '/usr/bin:/bin',
): Promise<Result<SigningSetup, GitError>> {
  const none = { env: {}, close: () => Promise.resolve() };
  if (!signing) return ok({ ...none, args: ['-c', 'commit.gpgsign=false'] });
  const sign = ['-c', 'commit.gpgsign=true'];
  if (signing.kind === 'openpgp') {
    const setup = await openpgpSetup(session, signing, path);
    return setup.ok ? ok({ ...setup.value, args: [...setup.value.args, ...sign] }) : setup;
  }
  const keyFile = join(session.scratchDir, 'signing-key');
  await writeFile(keyFile, signing.privateKey, { mode: 0o600 });
  const args = ['-c', 'gpg.format=ssh', '-c', `user.signingKey=${keyFile}`, ...sign];
  return ok({ ...none, args });
}
