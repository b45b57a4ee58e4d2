// signingFromSecret (pure): which Secret data is a signing key, and the error for each bad one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { opensshCipherOf, signingFromSecret } from './signing-key.ts';

const opensshKey = (cipher: string) => {
  const magic = Buffer.from('openssh-key-v1\0', 'latin1');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(cipher.length);
  const body = Buffer.concat([magic, length, Buffer.from(cipher), Buffer.alloc(32)]);
  const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
};
const pgp = '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlFgEZ\n-----END PGP PRIVATE KEY BLOCK-----\n';
const subject = 'Secret apps/signing';

test('opensshCipherOf reads the cipher name of an OpenSSH key', () => {
  const body = (k: string) => k.split('\n').slice(1, -2).join('\n');
  assert.equal(opensshCipherOf(body(opensshKey('none'))), 'none');
  assert.equal(opensshCipherOf(body(opensshKey('aes256-ctr'))), 'aes256-ctr');
  assert.equal(opensshCipherOf('bm90IGEga2V5'), undefined);
});

test('signingFromSecret: the key it finds, or an error naming the Secret', () => {
  const cases: [string, Record<string, string>, string | RegExp][] = [
    ['ssh key', { identity: opensshKey('none') }, 'ssh'],
    ['ssh key with CRLF', { identity: opensshKey('none').replace(/\n/g, '\r\n') }, 'ssh'],
    [
      'PEM key',
      { identity: '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n' },
      'ssh',
    ],
    ['openpgp key', { 'git.asc': pgp }, 'openpgp'],
    ['openpgp key and passphrase', { 'git.asc': pgp, passphrase: 'p w' }, 'openpgp'],
    ['nothing', { username: 'x' }, /needs `identity` \(an SSH private key\) or `git\.asc`/],
    ['both', { identity: opensshKey('none'), 'git.asc': pgp }, /has both/],
    ['encrypted ssh', { identity: opensshKey('aes256-ctr') }, /is encrypted \(aes256-ctr\)/],
    [
      'encrypted PEM',
      {
        identity:
          '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nMIIB\n-----END RSA PRIVATE KEY-----\n',
      },
      /is encrypted/,
    ],
    ['public key', { identity: 'ssh-ed25519 AAAAC3Nz moor' }, /not an OpenSSH or PEM private key/],
    ['garbled openssh', { identity: opensshKey('none').replace('b3Blbn', 'AAAAAA') }, /readable/],
    ['public pgp', { 'git.asc': pgp.replace(/PRIVATE/g, 'PUBLIC') }, /not an ASCII-armored PGP/],
    ['passphrase with newline', { 'git.asc': pgp, passphrase: 'a\nb' }, /line break/],
    ['huge', { identity: 'x'.repeat(70_000) }, /larger than 64 KiB/],
  ];
  for (const [name, data, want] of cases) {
    const got = signingFromSecret(data, subject);
    if (typeof want === 'string') {
      assert.ok(got.ok, `${name}: ${got.ok ? '' : got.error}`);
      assert.equal(got.value.kind, want, name);
    } else {
      assert.equal(got.ok, false, name);
      assert.match(got.ok ? '' : got.error, want, name);
      assert.ok((got.ok ? '' : got.error).startsWith(`${subject}: `), name);
    }
  }
});
