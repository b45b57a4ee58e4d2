import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { testKustomize } from '../../test/helpers/kustomize.ts';
import { makeAgeKey, sopsEncrypt, sopsSkip } from '../../test/helpers/sops.ts';
import { RenderErrorCode } from './errors.ts';
import { renderSync } from './render.ts';

const { kustomize, skip: noKustomize } = testKustomize();
const skip = sopsSkip() ?? noKustomize;

const secretYaml = `apiVersion: v1
kind: Secret
metadata:
  name: db
  labels: {tier: data}
type: Opaque
stringData:
  password: kustomized-password
`;

test(
  'a kustomization with a SOPS Secret: decrypted after the build, MAC verified on the file sops wrote',
  { skip },
  async (t) => {
    const key = await makeAgeKey();
    const dir = await mkdtemp(join(tmpdir(), 'moor-sops-kustomize-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const encrypted = await sopsEncrypt(
      'secret.yaml',
      secretYaml,
      [key.recipient],
      ['--encrypted-regex', '^(data|stringData)$'],
    );
    await mkdir(join(dir, 'app'));
    await writeFile(join(dir, 'app', 'secret.yaml'), encrypted);
    await writeFile(
      join(dir, 'app', 'kustomization.yaml'),
      'resources: [secret.yaml]\nnamespace: team\ncommonLabels: {app: web}\n',
    );
    const options = {
      artifactDir: dir,
      path: 'app',
      syncName: 's',
      syncNamespace: 'moor-system',
      isNamespaced: () => true,
      kustomize: { path: kustomize },
      identities: [key.identity],
      signal: AbortSignal.timeout(60_000),
    };
    const res = await renderSync(options);
    assert.ok(res.ok, res.ok ? '' : res.error.message);
    const secret = res.value[0]?.object;
    assert.equal(secret?.metadata.namespace, 'team');
    assert.equal(secret?.metadata.labels?.app, 'web');
    assert.deepEqual(secret?.stringData, { password: 'kustomized-password' });
    assert.equal(secret?.sops, undefined);

    // A plain value of the file changed after encryption: its MAC no longer matches.
    await writeFile(join(dir, 'app', 'secret.yaml'), encrypted.replace('tier: data', 'tier: web'));
    const tampered = await renderSync(options);
    assert.ok(!tampered.ok);
    assert.equal(tampered.error.code, RenderErrorCode.decryptionFailed);
    assert.match(tampered.error.message, /^app\/secret\.yaml: .*MAC does not match/);
    // Without the key: the file and its recipient are named.
    const wrong = await renderSync({ ...options, identities: [(await makeAgeKey()).identity] });
    assert.ok(!wrong.ok);
    assert.ok(wrong.error.message.includes(key.recipient), wrong.error.message);
  },
);
