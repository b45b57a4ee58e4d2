// The key a commit is signed with, read from a Secret's data (pure): an SSH private key under
// `identity`, or an ASCII-armored OpenPGP secret key under `git.asc` (Flux's key) with an optional
// `passphrase`. An SSH key must be unencrypted: nothing could type its passphrase.
import { err, ok, type Result } from '../core/index.ts';

export type CommitSigning =
  | { readonly kind: 'ssh'; readonly privateKey: string }
  | { readonly kind: 'openpgp'; readonly armoredKey: string; readonly passphrase?: string };

const MAX_KEY_BYTES = 64 * 1024;
const OPENSSH =
  /^-----BEGIN OPENSSH PRIVATE KEY-----\s*\n([A-Za-z0-9+/=\s]+)-----END OPENSSH PRIVATE KEY-----\s*$/;
const PEM =
  /^-----BEGIN (?:RSA |EC |DSA )?PRIVATE KEY-----\s*\n[\s\S]+-----END (?:RSA |EC |DSA )?PRIVATE KEY-----\s*$/;
const PGP =
  /^-----BEGIN PGP PRIVATE KEY BLOCK-----\s*\n[\s\S]+-----END PGP PRIVATE KEY BLOCK-----\s*$/;

/** The cipher an OpenSSH private key is encrypted with (`none` when it is not), if readable. */
export function opensshCipherOf(body: string): string | undefined {
  const bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  const magic = Buffer.from('openssh-key-v1\0', 'latin1');
  if (bytes.length < magic.length + 4 || !bytes.subarray(0, magic.length).equals(magic))
    return undefined;
  const length = bytes.readUInt32BE(magic.length);
  const start = magic.length + 4;
  if (length > 64 || start + length > bytes.length) return undefined;
  return bytes.subarray(start, start + length).toString('latin1');
}

function sshSigning(key: string, fail: (m: string) => Result<never, string>) {
  const text = key.replace(/\r\n/g, '\n').trim();
  const openssh = OPENSSH.exec(text);
  if (openssh) {
    const cipher = opensshCipherOf(openssh[1] ?? '');
    if (cipher === undefined) return fail('`identity` is not a readable OpenSSH private key');
    if (cipher !== 'none')
      return fail(`\`identity\` is encrypted (${cipher}): sign with a key without a passphrase`);
  } else if (!PEM.test(text)) {
    return fail('`identity` is not an OpenSSH or PEM private key');
  } else if (/Proc-Type:\s*4,ENCRYPTED/.test(text)) {
    return fail('`identity` is encrypted: sign with a key without a passphrase');
  }
  return ok({ kind: 'ssh' as const, privateKey: `${text}\n` });
}

/** The signing key in a Secret's data; `subject` names the Secret in every error. */
export function signingFromSecret(
  data: Readonly<Record<string, string>>,
  subject: string,
): Result<CommitSigning, string> {
  const fail = (message: string) => err(`${subject}: ${message}`);
  const ssh = data.identity;
  const pgp = data['git.asc'];
  if (ssh !== undefined && pgp !== undefined)
    return fail('has both `identity` (SSH) and `git.asc` (OpenPGP): keep one');
  const key = ssh ?? pgp;
  if (key === undefined)
    return fail('needs `identity` (an SSH private key) or `git.asc` (an OpenPGP secret key)');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES)
    return fail(`the key is larger than ${MAX_KEY_BYTES / 1024} KiB`);
  if (ssh !== undefined) return sshSigning(ssh, fail);
  const text = key.replace(/\r\n/g, '\n').trim();
  if (!PGP.test(text)) return fail('`git.asc` is not an ASCII-armored PGP private key block');
  const passphrase = data.passphrase;
  if (passphrase !== undefined && /[\n\r\0]/.test(passphrase))
    return fail('`passphrase` holds a line break or NUL');
  return ok({
    kind: 'openpgp',
    armoredKey: `${text}\n`,
    ...(passphrase ? { passphrase } : {}),
  });
}
