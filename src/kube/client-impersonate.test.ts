// Impersonation: a Sync's service account can do only what RBAC lets it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KubeConfig } from '@kubernetes/client-node';
import { FIELD_MANAGER } from '../core/index.ts';

import {
  clusterTest as test,
  loadKubeConfig,
  testCluster,
  testNamespace,
} from '../../test/helpers/cluster.ts';
import { createKubeClient } from './client.ts';
import { eventually, must, stepSignal, testClient } from './test-helpers.ts';

const fieldManager = FIELD_MANAGER;
const runFile = promisify(execFile);

test('a service account without RBAC is Forbidden; after a RoleBinding to edit it may apply', async (t) => {
  const ns = await testNamespace(t, 'kube-impersonate');
  const admin = testClient();
  must(
    await admin.apply(
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer', namespace: ns } },
      { fieldManager },
      stepSignal(),
    ),
  );
  const user = `system:serviceaccount:${ns}:deployer`;
  const sa = admin.impersonate(user);
  const cm = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'app', namespace: ns },
    data: { a: '1' },
  };

  const denied = await sa.apply(cm, { fieldManager }, stepSignal());
  assert.equal(!denied.ok && denied.error.code, 'Forbidden');
  assert.match(
    !denied.ok ? denied.error.message : '',
    new RegExp(`^apply ConfigMap/${ns}/app: .*"${user}" cannot patch`),
  );
  const deniedGet = await sa.get(
    { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'app' },
    stepSignal(),
  );
  assert.equal(
    !deniedGet.ok && deniedGet.error.code,
    'Forbidden',
    'Forbidden is not mistaken for NotFound',
  );

  const edit = must(
    await admin.get(
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'edit' },
      stepSignal(),
    ),
  );
  const roleRef = edit
    ? { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }
    : { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmaps' };
  if (!edit) {
    const rules = [
      {
        apiGroups: [''],
        resources: ['configmaps'],
        verbs: ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'],
      },
    ];
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'configmaps', namespace: ns },
      rules,
    };
    must(await admin.apply(role, { fieldManager }, stepSignal()));
  }
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'deployer', namespace: ns },
    roleRef,
    subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }],
  };
  must(await admin.apply(binding, { fieldManager }, stepSignal()));

  const applied = await eventually(
    'the RoleBinding to take effect',
    async () => {
      const res = await sa.apply(cm, { fieldManager }, stepSignal());
      if (!res.ok && res.error.code !== 'Forbidden') throw res.error;
      return res.ok ? res.value : undefined;
    },
    30_000,
  );
  assert.equal(
    applied.metadata.managedFields?.find((m) => m.manager === fieldManager)?.operation,
    'Apply',
  );

  const elsewhere = await sa.get(
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'kube-system',
      name: 'extension-apiserver-authentication',
    },
    stepSignal(),
  );
  assert.equal(
    !elsewhere.ok && elsewhere.error.code,
    'Forbidden',
    'the binding grants only its own namespace',
  );
  assert.ok(
    must(
      await admin.get(
        { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'app' },
        stepSignal(),
      ),
    ),
  );
});

test('requests made through an impersonating client are counted with the rest', async () => {
  const admin = testClient();
  const sa = admin.impersonate('system:serviceaccount:default:nobody');
  const before = admin.requestCounts.get('get') ?? 0;
  const res = await sa.get({ apiVersion: 'v1', kind: 'Namespace', name: 'default' }, stepSignal());
  assert.equal(!res.ok && res.error.code, 'Forbidden');
  assert.equal(admin.requestCounts.get('get'), before + 1);
  assert.throws(() => admin.impersonate('jane', ['a', 'b']), /at most one group/);
});

/** The test cluster with a user whose token is read from a file, as in a pod. */
function tokenFileConfig(tokenFile: string): KubeConfig {
  const kc = loadKubeConfig();
  kc.users = [{ name: 'reader', authProvider: { name: 'tokenFile', config: { tokenFile } } }];
  kc.contexts = kc.contexts.map((c) => ({ ...c, user: 'reader' }));
  return kc;
}

test('in-cluster style credentials (a token file re-read by client-node) authenticate each request', async (t) => {
  const ns = await testNamespace(t, 'kube-token');
  const admin = testClient();
  const sa = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'reader', namespace: ns },
  };
  must(await admin.apply(sa, { fieldManager }, stepSignal()));
  const cluster = testCluster();
  const { stdout: token } = await runFile(
    cluster.kubectl,
    [
      '--kubeconfig',
      cluster.kubeconfig,
      'create',
      'token',
      'reader',
      '-n',
      ns,
      '--duration',
      '10m',
    ],
    { timeout: 30_000, env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' } },
  );
  const dir = await mkdtemp(join(tmpdir(), 'moor-kube-token-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, token.trim());

  const asReader = createKubeClient({ kubeConfig: tokenFileConfig(tokenFile) });
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'kube-root-ca.crt' };
  for (let i = 0; i < 2; i++) {
    const res = await asReader.get(ref, stepSignal());
    assert.equal(!res.ok && res.error.code, 'Forbidden');
    assert.match(
      !res.ok ? res.error.message : '',
      new RegExp(`"system:serviceaccount:${ns}:reader" cannot get`),
    );
  }

  // client-node keeps a token it read for a minute; a new configuration reads the file again.
  await writeFile(tokenFile, 'not-a-token');
  const bad = await createKubeClient({ kubeConfig: tokenFileConfig(tokenFile) }).get(
    ref,
    stepSignal(),
  );
  assert.equal(!bad.ok && bad.error.code, 'Unauthorized');
});
