// SOPS end to end: a Secret encrypted by the real sops for an age key made by age-keygen is
// applied decrypted; its drift is reported without values; a revision encrypted for another key
// fails naming the file and its recipients and leaves the cluster as it was. A SOPS dotenv file
// as a secretGenerator input is applied decrypted too. Everything the
// operator and the CLI emit, and the operator's storage on disk, hold no plaintext (nor base64).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { moor } from '../cli/helpers.ts';
import { clusterTest as test, testCluster, testNamespace } from '../helpers/cluster.ts';
import { createTestRepo, fileUrl } from '../helpers/git-server.ts';
import { findLeaks, findLeaksOnDisk, type Needle } from '../helpers/leak-scan.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getObject,
  getSync,
  gitRepository,
  installCrds,
  secretObject,
  startOperator,
  sync,
  testKube,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';
import { makeAgeKey, sopsEncrypt, sopsSkip } from '../helpers/sops.ts';

const run = promisify(execFile);
const word = (prefix: string): string => `${prefix}-${randomBytes(9).toString('hex')}`;

const secretYaml = (password: string, token: string): string => `apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
stringData:
  password: ${password}
data:
  token: ${Buffer.from(token).toString('base64')}
`;

test(
  'a SOPS Secret is applied decrypted, a wrong key changes nothing, and no plaintext leaks',
  { skip: sopsSkip(), timeout: 300_000 },
  async (t) => {
    const kube = testKube();
    await installCrds(kube);
    const ns = await testNamespace(t, 'op-sops');
    const [right, wrong] = await Promise.all([makeAgeKey(), makeAgeKey()]);
    const values = {
      password: word('sops-password'),
      token: word('sops-token'),
      drift: word('drift-plain'),
      next: word('next-password'),
      generated: word('generated-password'),
      identity: right.identity,
      wrongIdentity: wrong.identity,
    };
    const needles: Needle[] = Object.entries(values).map(([name, value]) => ({ name, value }));
    const encrypted = await sopsEncrypt('secret.yaml', secretYaml(values.password, values.token), [
      right.recipient,
    ]);
    const repo = await createTestRepo({
      files: {
        'enc/secret.yaml': encrypted,
        'enc/cm.yaml': configMapYaml('plain', { color: 'blue' }),
        // A SOPS dotenv file as a secretGenerator input: decrypted without plaintext on disk.
        'enc/gen/kustomization.yaml':
          'secretGenerator:\n- name: generated\n  envs: [db.enc.env]\n  options: {disableNameSuffixHash: true}\n',
        'enc/gen/db.enc.env': await sopsEncrypt('db.env', `PASSWORD=${values.generated}\n`, [
          right.recipient,
        ]),
      },
    });
    t.after(() => repo.close());
    const storage = await mkdtemp(join(tmpdir(), 'moor-sops-store-'));
    t.after(() => rm(storage, { recursive: true, force: true }));
    const operator = await startOperator({
      namespace: ns,
      httpAddr: '127.0.0.1:0',
      storagePath: storage,
    });
    t.after(() => operator.stop());

    await applyObject(kube, secretObject(ns, 'sops-age', { 'identity.agekey': right.identity }));
    await applyObject(
      kube,
      gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
    );
    await applyObject(
      kube,
      sync(ns, 'secrets', {
        sourceRef: { name: 'src' },
        path: 'enc',
        targetNamespace: ns,
        decryption: { provider: 'sops', secretRef: { name: 'sops-age' } },
        drift: { mode: 'Alert', alertAfter: '1s' },
      }),
    );
    const first = await repo.revParse('HEAD');
    await waitSyncReady(kube, ns, 'secrets', first, 120_000);
    const applied = await getObject(kube, 'v1', 'Secret', ns, 'db');
    const data = (applied?.data ?? {}) as Record<string, string>;
    assert.equal(Buffer.from(data.password ?? '', 'base64').toString(), values.password);
    assert.equal(Buffer.from(data.token ?? '', 'base64').toString(), values.token);
    assert.equal(applied?.sops, undefined, 'the sops metadata is not applied');
    const generated = await getObject(kube, 'v1', 'Secret', ns, 'generated');
    const password = ((generated?.data ?? {}) as Record<string, string>).PASSWORD ?? '';
    assert.equal(Buffer.from(password, 'base64').toString(), values.generated);

    // Drift of the decrypted Secret is reported, without its values.
    const { kubectl, kubeconfig } = testCluster();
    const kc = ['--kubeconfig', kubeconfig, '-n', ns];
    await run(kubectl, [
      ...kc,
      'patch',
      'secret',
      'db',
      '--type=merge',
      '-p',
      JSON.stringify({ stringData: { password: values.drift } }),
    ]);
    await waitFor(
      'the drift reported',
      async () =>
        JSON.stringify(
          ((await getSync(kube, ns, 'secrets'))?.status as { drift?: unknown } | undefined)
            ?.drift ?? {},
        ).includes('db'),
      120_000,
    );

    // A revision encrypted for another key: nothing of it is applied, the error names the file
    // and the recipient.
    const next = await repo.commit({
      'enc/secret.yaml': await sopsEncrypt('secret.yaml', secretYaml(values.next, values.token), [
        wrong.recipient,
      ]),
      'enc/cm.yaml': configMapYaml('plain', { color: 'green' }),
    });
    await waitFor(
      'the decryption error',
      async () => {
        const ready = conditionOf(await getSync(kube, ns, 'secrets'), 'Ready');
        return ready?.status === 'False' && ready.message.includes(next);
      },
      120_000,
    );
    const ready = conditionOf(await getSync(kube, ns, 'secrets'), 'Ready');
    assert.equal(ready?.reason, 'BuildFailed');
    assert.match(ready?.message ?? '', /enc\/secret\.yaml: SOPS-encrypted file not decrypted/);
    assert.ok(ready?.message.includes(wrong.recipient), ready?.message);
    const cm = await getObject(kube, 'v1', 'ConfigMap', ns, 'plain');
    assert.deepEqual(cm?.data, { color: 'blue' }, 'nothing of the failing revision is applied');
    const still = (await getObject(kube, 'v1', 'Secret', ns, 'db'))?.data as Record<string, string>;
    assert.equal(Buffer.from(still.password ?? '', 'base64').toString(), values.drift);

    // Capture everything a user or a scraper sees, and search it.
    const captured: Record<string, string> = {};
    captured.sync = JSON.stringify(await getSync(kube, ns, 'secrets'));
    captured.events = (await run(kubectl, [...kc, 'get', 'events', '-o', 'json'])).stdout;
    for (const args of [
      ['status', 'sync', 'secrets'],
      ['status', 'sync', 'secrets', '-o', 'json'],
      ['get', 'syncs', '-o', 'yaml'],
      ['events', '-o', 'json'],
    ]) {
      const out = await moor(['-n', ns, ...args]);
      captured[`moor ${args.join(' ')}`] = out.stdout + out.stderr;
    }
    captured.metrics = await (await fetch(`${await operator.httpUrl()}/metrics`)).text();
    captured.logs = await operator.logs();
    assert.match(captured['moor status sync secrets'] ?? '', /Secret/);
    const leaks = Object.entries(captured).flatMap(([where, text]) =>
      findLeaks(where, text, needles),
    );
    assert.deepEqual(leaks, [], 'plaintext in what the operator and the CLI emit');
    assert.deepEqual(await findLeaksOnDisk(storage, needles), [], 'plaintext on disk');
  },
);
