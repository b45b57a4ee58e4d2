import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';

import { makeAgeKey, sopsEncrypt, sopsSkip } from '../../test/helpers/sops.ts';
import { decodeBech32, encodeBech32, parseAgeIdentity } from './age.ts';
import { RenderErrorCode } from './errors.ts';
import { decryptManifest, decryptManifests } from './sops.ts';

const skip = sopsSkip();

const secretYaml = `apiVersion: v1
kind: Secret
metadata:
  name: db # the database
type: Opaque
stringData:
  password: s3cret-password
  port: 5432
  ratio: 1.5
  enabled: true
  quoted: "true"
  nothing: null
  list: [a, {b: c}]
  note_unencrypted: left as it is
`;

test('parseAgeIdentity derives the recipient age-keygen prints', { skip }, async () => {
  const key = await makeAgeKey();
  assert.equal(parseAgeIdentity(key.identity)?.recipient, key.recipient);
  assert.equal(parseAgeIdentity('AGE-SECRET-KEY-1notakey'), undefined);
  const round = decodeBech32(key.recipient);
  assert.ok(round);
  assert.equal(encodeBech32(round.hrp, round.data), key.recipient);
});

test(
  'decryptManifest opens YAML encrypted by sops: types, unencrypted suffix, MAC',
  { skip },
  async () => {
    const key = await makeAgeKey();
    const content = await sopsEncrypt('secret.yaml', secretYaml, [key.recipient]);
    assert.ok(!content.includes('s3cret-password'));
    const res = decryptManifest({ path: 'apps/secret.yaml', content }, [
      parseAgeIdentity(key.identity)!,
    ]);
    assert.ok(res.ok, res.ok ? '' : res.error.message);
    assert.deepEqual(parse(res.value.content), parse(secretYaml));
  },
);

test(
  'decryptManifest opens JSON, multi-document YAML and encrypted_regex files',
  { skip },
  async () => {
    const key = await makeAgeKey();
    const id = [parseAgeIdentity(key.identity)!];
    const json = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'j' }, data: { k: 'v' } };
    const cases: [string, string, string[]][] = [
      ['c.json', JSON.stringify(json), []],
      ['multi.yaml', `${secretYaml}---\napiVersion: v1\nkind: Secret\nmetadata: {name: two}\n`, []],
      ['regex.yaml', secretYaml, ['--encrypted-regex', '^(data|stringData)$']],
    ];
    for (const [name, text, args] of cases) {
      const content = await sopsEncrypt(name, text, [key.recipient], args);
      const res = decryptManifest({ path: name, content }, id);
      assert.ok(res.ok, `${name}: ${res.ok ? '' : res.error.message}`);
      const want = name.endsWith('.json')
        ? [json]
        : text.split('---\n').map((d) => parse(d) as unknown);
      const got = res.value.content.split(/^---\n/m).map((d) => parse(d) as unknown);
      assert.deepEqual(got, want, name);
    }
  },
);

test(
  'a wrong key, no key, a tampered value and a tampered plain value are errors naming the file and recipients',
  { skip },
  async () => {
    const [right, wrong, other] = await Promise.all([makeAgeKey(), makeAgeKey(), makeAgeKey()]);
    const content = await sopsEncrypt('secret.yaml', secretYaml, [
      right.recipient,
      other.recipient,
    ]);
    const file = { path: 'apps/secret.yaml', content };
    const expectError = (
      res: ReturnType<typeof decryptManifest>,
      what: RegExp,
      label: string,
    ): void => {
      assert.ok(!res.ok, label);
      assert.equal(res.error.code, RenderErrorCode.decryptionFailed, label);
      assert.match(res.error.message, /^apps\/secret\.yaml: SOPS-encrypted file not decrypted: /);
      assert.match(res.error.message, what, label);
      assert.ok(res.error.message.includes(right.recipient), label);
      assert.ok(res.error.message.includes(other.recipient), label);
      assert.deepEqual(res.error.data.recipients, [right.recipient, other.recipient], label);
      assert.ok(!res.error.message.includes('s3cret'), label);
    };
    expectError(
      decryptManifest(file, [parseAgeIdentity(wrong.identity)!]),
      /none of the 1 age identities/,
      'wrong key',
    );
    expectError(decryptManifest(file, []), /no age identity/, 'no key');
    expectError(decryptManifest(file, undefined), /sets no spec\.decryption/, 'no decryption');
    const ids = [parseAgeIdentity(right.identity)!];
    const plainChanged = content.replace('left as it is', 'changed by hand');
    expectError(
      decryptManifest({ ...file, content: plainChanged }, ids),
      /MAC does not match/,
      'plain value',
    );
    const swapped = content.replace(
      /password: (ENC\[[^\]]+\])/,
      (_m, v: string) => `passwort: ${v}`,
    );
    expectError(
      decryptManifest({ ...file, content: swapped }, ids),
      /stringData\.passwort does not decrypt/,
      'moved value',
    );
    // A file without SOPS metadata is left as it is; identities as text are parsed.
    const plain = {
      path: 'a.yaml',
      content: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
    };
    assert.deepEqual(decryptManifests([plain], undefined), { ok: true, value: [plain] });
    const many = decryptManifests([plain, file], ['not a key', wrong.identity, right.identity]);
    assert.ok(many.ok);
  },
);
