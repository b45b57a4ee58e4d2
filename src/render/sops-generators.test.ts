import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { testKustomize } from '../../test/helpers/kustomize.ts';
import { makeAgeKey, sopsEncrypt, sopsSkip } from '../../test/helpers/sops.ts';
import { RenderErrorCode } from './errors.ts';
import { renderSync } from './render.ts';
import type { RenderedObject } from './types.ts';

const { kustomize, skip: noKustomize } = testKustomize();
const skip = sopsSkip() ?? noKustomize;

const PASSWORD = 'generator-password-7c1d';
const TOKEN = 'generator-token-95ab';
const dotenv = (password: string) => `PASSWORD=${password}\nAPI_URL=https://db.local\n`;
const keyJson = `{"token": "${TOKEN}", "n": 3}\n`;

const kustomization = `secretGenerator:
- name: db
  envs: [secrets.enc.env]
- name: key
  files: [key.json=key.enc.json]
resources: [deploy.yaml]
namespace: team
`;

const deployment = `apiVersion: v1
kind: ConfigMap
metadata: {name: uses}
data: {secret: db}
`;

/** The decoded data of the rendered Secret whose name starts with `prefix`. */
function secretData(objects: readonly RenderedObject[], prefix: string) {
  const secret = objects.find(
    (o) => o.object.kind === 'Secret' && (o.object.metadata.name ?? '').startsWith(`${prefix}-`),
  )?.object;
  const data = (secret?.data ?? {}) as Record<string, string>;
  const decoded = Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
  return { name: secret?.metadata.name ?? '', data: decoded };
}

test(
  'SOPS dotenv and JSON files as secretGenerator inputs: plaintext in the Secret, never on disk',
  { skip },
  async (t) => {
    const key = await makeAgeKey();
    const dir = await mkdtemp(join(tmpdir(), 'moor-sops-gen-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const artifact = join(dir, 'artifact');
    const app = join(artifact, 'app');
    const scratch = join(dir, 'scratch');
    await mkdir(app, { recursive: true });
    await mkdir(scratch);
    await writeFile(join(app, 'kustomization.yaml'), kustomization);
    await writeFile(join(app, 'deploy.yaml'), deployment);
    const writeEnv = async (password: string) =>
      writeFile(
        join(app, 'secrets.enc.env'),
        await sopsEncrypt('secrets.env', dotenv(password), [key.recipient]),
      );
    await writeEnv(PASSWORD);
    await writeFile(
      join(app, 'key.enc.json'),
      await sopsEncrypt('key.json', keyJson, [key.recipient]),
    );
    // kustomize runs through a wrapper that fails the build when the private copy holds a
    // plaintext value: what kustomize reads from disk must be placeholders only.
    const wrapper = join(dir, 'kustomize-wrapper');
    await writeFile(
      wrapper,
      `#!/bin/sh\nif grep -r -q -F -e '${PASSWORD}' -e '${TOKEN}' -e 'changed-pass' '${scratch}'; then echo plaintext on disk >&2; exit 9; fi\nexec '${kustomize ?? ''}' "$@"\n`,
    );
    await chmod(wrapper, 0o755);
    const options = {
      artifactDir: artifact,
      path: 'app',
      syncName: 's',
      syncNamespace: 'moor-system',
      isNamespaced: () => true,
      kustomize: { path: wrapper, scratchDir: scratch },
      identities: [key.identity],
      signal: AbortSignal.timeout(60_000),
    };
    const res = await renderSync(options);
    assert.ok(res.ok, res.ok ? '' : res.error.message);
    const db = secretData(res.value, 'db');
    assert.deepEqual(db.data, { PASSWORD, API_URL: 'https://db.local' });
    assert.match(db.name, /^db-[a-z0-9]{10}$/);
    const token = secretData(res.value, 'key');
    assert.deepEqual(JSON.parse(token.data['key.json'] ?? ''), { token: TOKEN, n: 3 });
    assert.equal(token.data['key.json'], `{\n\t"token": "${TOKEN}",\n\t"n": 3\n}\n`);
    assert.deepEqual(await readdir(scratch), [], 'the private copy is removed');

    // Same plaintext, encrypted again (new data key, new IVs): the same name.
    await writeEnv(PASSWORD);
    const again = await renderSync(options);
    assert.ok(again.ok, again.ok ? '' : again.error.message);
    assert.equal(secretData(again.value, 'db').name, db.name);
    // A changed secret value: a new generated name, as kustomize gives a changed Secret.
    await writeEnv('changed-pass');
    const changed = await renderSync(options);
    assert.ok(changed.ok, changed.ok ? '' : changed.error.message);
    const next = secretData(changed.value, 'db');
    assert.notEqual(next.name, db.name);
    assert.equal(next.data.PASSWORD, 'changed-pass');

    // A wrong key names the file and its recipient; no decryption configured is an error too.
    const wrong = await renderSync({ ...options, identities: [(await makeAgeKey()).identity] });
    assert.ok(!wrong.ok);
    assert.equal(wrong.error.code, RenderErrorCode.decryptionFailed);
    assert.match(wrong.error.message, /^app\/secrets\.enc\.env: SOPS-encrypted file not decrypted/);
    assert.ok(wrong.error.message.includes(key.recipient), wrong.error.message);
    const none = await renderSync({ ...options, identities: undefined });
    assert.ok(!none.ok);
    assert.match(none.error.message, /app\/secrets\.enc\.env: .*the Sync sets no spec\.decryption/);

    // A dotenv file altered after encryption fails its MAC.
    const text = await readFile(join(app, 'secrets.enc.env'), 'utf8');
    await writeFile(
      join(app, 'secrets.enc.env'),
      text.replace(/^API_URL=ENC\[AES256_GCM,data:[^,]*,/m, 'API_URL=ENC[AES256_GCM,data:AAAA,'),
    );
    const altered = await renderSync(options);
    assert.ok(!altered.ok);
    assert.match(altered.error.message, /app\/secrets\.enc\.env: .*value API_URL does not decrypt/);
  },
);

test(
  'a SOPS file as a configMapGenerator input is refused, its plaintext in no message',
  { skip },
  async (t) => {
    const key = await makeAgeKey();
    const dir = await mkdtemp(join(tmpdir(), 'moor-sops-gen-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, 'app'));
    await writeFile(
      join(dir, 'app', 'kustomization.yaml'),
      'configMapGenerator:\n- name: leak\n  envs: [secrets.enc.env]\n',
    );
    await writeFile(
      join(dir, 'app', 'secrets.enc.env'),
      await sopsEncrypt('secrets.env', dotenv(PASSWORD), [key.recipient]),
    );
    const res = await renderSync({
      artifactDir: dir,
      path: 'app',
      syncName: 's',
      syncNamespace: 'moor-system',
      isNamespaced: () => true,
      kustomize: { path: kustomize ?? '' },
      identities: [key.identity],
      signal: AbortSignal.timeout(60_000),
    });
    assert.ok(!res.ok);
    assert.equal(res.error.code, RenderErrorCode.decryptionFailed);
    assert.match(
      res.error.message,
      /^app\/kustomization\.yaml: SOPS-encrypted app\/secrets\.enc\.env is used outside a Secret's data/,
    );
    assert.ok(!JSON.stringify(res.error).includes(PASSWORD));
  },
);
