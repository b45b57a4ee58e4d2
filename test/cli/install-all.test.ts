// The exported install manifests on the real control plane (ADR 0026): `moor install --all`
// applies them cleanly and a second run changes nothing; the operator run with the exported
// ServiceAccount's token and CA reconciles within its rights (a Sync impersonating its service
// account) and reports Forbidden outside them; `moor uninstall` removes them and says what stays.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import type { KubeObject } from '../../src/core/index.ts';
import { clusterTest as test, loadKubeConfig, testNamespace } from '../helpers/cluster.ts';
import { createTestRepo, fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getObject,
  getSync,
  gitRepository,
  installCrds,
  startOperator,
  sync,
  testKube,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';
import { moor } from './helpers.ts';

const NS = 'moor-system';
const SA = 'moor-operator';

async function versionsOf(objs: readonly KubeObject[]): Promise<string[]> {
  const kube = testKube();
  return Promise.all(
    objs.map(async (o) => {
      const live = await getObject(
        kube,
        o.apiVersion,
        o.kind,
        o.metadata.namespace ?? '',
        o.metadata.name ?? '',
      );
      return `${o.kind}/${o.metadata.name}@${live?.metadata.resourceVersion ?? 'missing'}`;
    }),
  );
}

/** A token of the exported ServiceAccount (TokenRequest API) and the cluster's CA, as a pod has them. */
async function serviceAccountDir(): Promise<{ dir: string; host: string; port: string }> {
  const kc = loadKubeConfig();
  const api = kc.makeApiClient(CoreV1Api);
  const res = await api.createNamespacedServiceAccountToken({
    name: SA,
    namespace: NS,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const cluster = kc.getCurrentCluster();
  assert.ok(cluster && res.status?.token);
  const dir = await mkdtemp(join(tmpdir(), 'moor-sa-'));
  const ca = cluster.caData ? Buffer.from(cluster.caData, 'base64') : undefined;
  const { readFile } = await import('node:fs/promises');
  await writeFile(join(dir, 'ca.crt'), ca ?? (await readFile(cluster.caFile ?? '')));
  await writeFile(join(dir, 'token'), res.status.token);
  await writeFile(join(dir, 'namespace'), NS);
  const url = new URL(cluster.server);
  return { dir, host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || '443' };
}

test(
  'moor install --all applies every manifest, idempotently; the operator with its ServiceAccount token reconciles within its rights and reports Forbidden outside them; uninstall says what it leaves',
  { timeout: 600_000 },
  async (t) => {
    const kube = testKube();
    await installCrds(kube);
    const first = await moor(['install', '--all'], 120_000);
    assert.equal(first.code, 0, first.stderr);
    for (const kind of ['ServiceAccount', 'ClusterRole', 'Deployment', 'Service', 'NetworkPolicy'])
      assert.match(first.stdout, new RegExp(`✔ ${kind}/`), first.stdout);
    t.after(async () => {
      await moor(['uninstall'], 120_000);
    });
    const exported = await moor(['install', '--export']);
    const { parseAllDocuments } = await import('yaml');
    const manifests = parseAllDocuments(exported.stdout).map((d) => d.toJS() as KubeObject);
    // The Deployment's two replicas run (the stand-in kubelet), so its status stops changing.
    await waitFor(
      'the Deployment ready',
      async () => {
        const d = await getObject(kube, 'apps/v1', 'Deployment', NS, SA);
        return (d?.status as { readyReplicas?: number } | undefined)?.readyReplicas === 2;
      },
      180_000,
    );
    const before = await versionsOf(manifests);
    assert.ok(
      before.every((v) => !v.endsWith('@missing')),
      before.join(', '),
    );
    const second = await moor(['install', '--all'], 120_000);
    assert.equal(second.code, 0, second.stderr);
    const lines = second.stdout.trim().split('\n');
    assert.equal(lines.length, manifests.length);
    assert.deepEqual(
      lines.filter((l) => !l.endsWith(' unchanged')),
      [],
    );
    assert.deepEqual(await versionsOf(manifests), before, 'resourceVersions unchanged');
    // The installed pods are stand-ins: scaled to none, so only the operator below reconciles.
    await kube.mergePatch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: SA },
      { spec: { replicas: 0 } },
      AbortSignal.timeout(10_000),
    );

    // A tenant: a service account that may manage ConfigMaps in its namespace, and nothing else.
    const ns = await testNamespace(t, 'incluster');
    await applyObject(kube, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'tenant', namespace: ns },
    });
    await applyObject(kube, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'tenant', namespace: ns },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] }],
    });
    await applyObject(kube, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'tenant', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'tenant' },
      subjects: [{ kind: 'ServiceAccount', name: 'tenant', namespace: ns }],
    });
    const repo = await createTestRepo({
      files: {
        'ok/cm.yaml': configMapYaml('allowed', { v: '1' }),
        'self/cm.yaml': configMapYaml('mine', { v: '1' }),
        'denied/secret.yaml':
          'apiVersion: v1\nkind: Secret\nmetadata:\n  name: refused\nstringData:\n  k: v\n',
      },
    });
    t.after(() => repo.close());
    const sa = await serviceAccountDir();
    const operator = await startOperator({
      namespace: ns,
      extraArgs: ['--service-account-dir', sa.dir],
      env: { KUBERNETES_SERVICE_HOST: sa.host, KUBERNETES_SERVICE_PORT: sa.port },
    });
    t.after(() => operator.stop());
    await applyObject(
      kube,
      gitRepository(ns, 'repo', { url: fileUrl(repo), ref: { branch: 'main' } }),
    );
    const spec = { sourceRef: { name: 'repo' }, targetNamespace: ns, serviceAccountName: 'tenant' };
    await applyObject(kube, sync(ns, 'ok', { ...spec, path: 'ok' }));
    await applyObject(kube, sync(ns, 'denied', { ...spec, path: 'denied' }));
    // Without a service account the operator applies as itself: its token, its least privilege.
    const { serviceAccountName: _, ...asItself } = spec;
    await applyObject(kube, sync(ns, 'self', { ...asItself, path: 'self' }));
    await waitSyncReady(kube, ns, 'ok', undefined, 120_000);
    const cm = await getObject(kube, 'v1', 'ConfigMap', ns, 'allowed');
    assert.equal(cm?.metadata.labels?.['moor.dev/sync-name'], 'ok');
    // The least-privilege operator keeps the apply's history, in the Sync's SyncHistory (ADR 0032).
    let history: KubeObject | undefined;
    await waitFor(
      'the history written',
      async () => {
        history = await getObject(kube, 'moor.dev/v1alpha1', 'SyncHistory', ns, 'ok');
        return history !== undefined;
      },
      60_000,
    );
    assert.equal((history?.spec as { records?: number } | undefined)?.records, 1);
    const listed = await moor(['-n', ns, 'history', 'sync', 'ok', '-o', 'json']);
    assert.equal(listed.code, 0, listed.stderr);
    const items = (JSON.parse(listed.stdout) as { items: { result: string }[] }).items;
    assert.deepEqual(
      items.map((i) => i.result),
      ['Succeeded'],
    );
    assert.doesNotMatch(await operator.logs(), /history record not written/);
    let denied: KubeObject | undefined;
    await waitFor(
      'the Secret refused',
      async () => {
        denied = await getSync(kube, ns, 'denied');
        return (
          conditionOf(denied, 'Ready')?.status === 'False' &&
          /forbidden/i.test(conditionOf(denied, 'Ready')?.message ?? '')
        );
      },
      120_000,
    );
    const message = conditionOf(denied, 'Ready')?.message ?? '';
    assert.match(message, new RegExp(`Secret/${ns}/refused`));
    assert.match(message, new RegExp(`system:serviceaccount:${ns}:tenant`));
    assert.equal(await getObject(kube, 'v1', 'Secret', ns, 'refused'), undefined);
    let self: KubeObject | undefined;
    await waitFor(
      'the operator itself refused',
      async () => {
        self = await getSync(kube, ns, 'self');
        return /forbidden/i.test(conditionOf(self, 'Ready')?.message ?? '');
      },
      120_000,
    );
    assert.match(
      conditionOf(self, 'Ready')?.message ?? '',
      /system:serviceaccount:moor-system:moor-operator/,
    );
    assert.equal(await getObject(kube, 'v1', 'ConfigMap', ns, 'mine'), undefined);
    assert.doesNotMatch(await operator.logs(), /Bearer [A-Za-z0-9]/, 'the token reached the logs');
    await operator.stop();

    const removed = await moor(['uninstall'], 120_000);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /✔ Deployment\/moor-system\/moor-operator deleted/);
    assert.match(removed.stdout, /Left in place: the moor\.dev CRDs/);
    assert.equal(
      await getObject(kube, 'rbac.authorization.k8s.io/v1', 'ClusterRole', '', SA),
      undefined,
    );
  },
);
