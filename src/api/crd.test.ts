// The generated CRDs against a real API server: accepted, Established, defaulting and validating
// objects the way the zod schemas do, and printing useful `kubectl get` columns.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { ApiException, CustomObjectsApi } from '@kubernetes/client-node';
import { stringify } from 'yaml';

import {
  clusterTest as test,
  loadKubeConfig,
  testCluster,
  testNamespace,
  type TestCluster,
} from '../../test/helpers/cluster.ts';
import { FIELD_MANAGER, setCondition, type KubeObject } from '../core/index.ts';
import {
  API_GROUP_VERSION,
  generateCrds,
  parseAlert,
  parseGitRepository,
  parseProvider,
  parseReceiver,
  parseSync,
  resourceDefinitions,
} from './index.ts';
import { loadObjectCases } from './test-cases.ts';

const run = promisify(execFile);
const GROUP = 'moor.dev';
const VERSION = 'v1alpha1';

const parsers: Record<string, (obj: unknown) => { ok: boolean; value?: { spec: unknown } }> = {
  GitRepository: parseGitRepository,
  Sync: parseSync,
  Provider: parseProvider,
  Alert: parseAlert,
  Receiver: parseReceiver,
};

function pluralOf(kind: string): string {
  const def = resourceDefinitions.find((d) => d.kind === kind);
  assert.ok(def, `no resource ${kind}`);
  return def.plural;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

type Kubectl = (...args: string[]) => Promise<{ stdout: string; stderr: string }>;

/** kubectl for this test, with a home (for its discovery cache) that is removed afterwards. */
async function makeKubectl(t: TestContext, cluster: TestCluster): Promise<Kubectl> {
  const home = await mkdtemp(join(tmpdir(), 'moor-api-test-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const env = { PATH: process.env.PATH ?? '', HOME: home, LC_ALL: 'C' };
  return (...args) =>
    run(cluster.kubectl, ['--kubeconfig', cluster.kubeconfig, ...args], { timeout: 60_000, env });
}

/**
 * Server-side applies every CRD with kubectl as the field manager `moor`, and waits until all are
 * Established. (Not KubernetesObjectApi: its typed serializer drops `default` and
 * `x-kubernetes-*` keys from plain-JSON CRDs.)
 */
async function installCrds(kubectl: Kubectl): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'moor-crds-'));
  try {
    const file = join(dir, 'crds.yaml');
    await writeFile(
      file,
      generateCrds()
        .map((crd) => stringify(crd))
        .join('---\n'),
    );
    const manager = `--field-manager=${FIELD_MANAGER}`;
    await kubectl('apply', '--server-side', manager, '--force-conflicts', '-f', file);
    await kubectl('wait', '--for=condition=Established', '--timeout=30s', '-f', file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Creates an object, retrying briefly while the new resource is not yet served. */
async function createObject(
  api: CustomObjectsApi,
  namespace: string,
  body: KubeObject,
): Promise<KubeObject> {
  const request = { group: GROUP, version: VERSION, namespace, plural: pluralOf(body.kind), body };
  for (let attempt = 0; ; attempt++) {
    try {
      return (await api.createNamespacedCustomObject(request)) as KubeObject;
    } catch (error) {
      if (!(error instanceof ApiException) || error.code !== 404 || attempt >= 50) throw error;
      await sleep(200);
    }
  }
}

function withNamespace(object: KubeObject, namespace: string, name: string): KubeObject {
  return { ...object, metadata: { ...object.metadata, namespace, name } };
}

test(
  'the API server accepts the CRDs, fills the same defaults as the schemas, and rejects what they reject',
  { timeout: 120_000 },
  async (t) => {
    const cluster = testCluster();
    await installCrds(await makeKubectl(t, cluster));
    const kc = loadKubeConfig(cluster);
    const namespace = await testNamespace(t, 'api-crd');
    const api = kc.makeApiClient(CustomObjectsApi);

    await t.test('valid objects read back with defaults equal to the parsed spec', async () => {
      for (const [i, c] of loadObjectCases('defaults.yaml').entries()) {
        const name = `valid-${i}`;
        const body = withNamespace(c.object as KubeObject, namespace, name);
        await createObject(api, namespace, body);
        const plural = pluralOf(c.object.kind);
        const stored = (await api.getNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace,
          plural,
          name,
        })) as KubeObject;
        assert.equal(stored.apiVersion, API_GROUP_VERSION);
        assert.deepEqual(stored.spec, c.spec, `${c.name}: server defaults`);
        const parsed = parsers[c.object.kind]?.(stored);
        assert.ok(parsed?.ok, `${c.name}: the server's object parses`);
        assert.deepEqual(parsed.value?.spec, stored.spec, `${c.name}: parse changes nothing`);
      }
    });

    await t.test('invalid objects are rejected by the API server naming the field', async () => {
      for (const [i, c] of loadObjectCases('invalid.yaml').entries()) {
        if (!c.serverError) continue;
        const body = withNamespace(c.object as KubeObject, namespace, `invalid-${i}`);
        const error: unknown = await createObject(api, namespace, body).then(
          () => assert.fail(`${c.name}: the API server accepted it`),
          (e: unknown) => e,
        );
        assert.ok(error instanceof ApiException, `${c.name}: ${String(error)}`);
        assert.equal(error.code, 422, c.name);
        const message = String((JSON.parse(String(error.body)) as { message?: string }).message);
        for (const expected of c.serverError)
          assert.ok(message.includes(expected), `${c.name}: ${message}`);
        if (c.neverShown)
          assert.ok(!String(error.body).includes(c.neverShown), `${c.name}: ${message}`);
      }
    });
  },
);

test(
  'kubectl get syncs prints Ready, Status, Revision and Age from the status Moor writes',
  { timeout: 120_000 },
  async (t) => {
    const cluster = testCluster();
    const kubectl = await makeKubectl(t, cluster);
    await installCrds(kubectl);
    const kc = loadKubeConfig(cluster);
    const namespace = await testNamespace(t, 'api-columns');
    const api = kc.makeApiClient(CustomObjectsApi);
    const revision = 'main@sha1:0123456789abcdef0123456789abcdef01234567';
    const created = await createObject(api, namespace, {
      apiVersion: API_GROUP_VERSION,
      kind: 'Sync',
      metadata: { name: 'web', namespace },
      spec: { sourceRef: { name: 'app' } },
    });
    const conditions = setCondition(
      [],
      {
        type: 'Ready',
        status: 'True',
        reason: 'Succeeded',
        message: `Applied revision ${revision}`,
        observedGeneration: 1,
      },
      new Date('2024-05-01T12:03:00Z'),
    );
    const status = {
      conditions,
      observedGeneration: 1,
      lastAppliedRevision: revision,
      lastAttemptedRevision: revision,
      inventory: {
        entries: [{ group: 'apps', kind: 'Deployment', namespace, name: 'web', version: 'v1' }],
      },
      drift: {
        since: '2024-05-01T12:03:00Z',
        objects: [
          {
            group: 'apps',
            kind: 'Deployment',
            namespace,
            name: 'web',
            fields: [{ path: 'spec.replicas', manager: 'kubectl-edit' }],
          },
        ],
      },
      history: [
        {
          revision,
          startedAt: '2024-05-01T12:02:58Z',
          finishedAt: '2024-05-01T12:03:00Z',
          result: 'Succeeded',
          created: 1,
          configured: 0,
          deleted: 0,
          durationMs: 2000,
        },
      ],
    };
    const updated = (await api.replaceNamespacedCustomObjectStatus({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: 'syncs',
      name: 'web',
      body: { ...created, status },
    })) as KubeObject;
    const parsed = parseSync(updated);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
    assert.deepEqual(parsed.value.status?.drift?.objects?.[0]?.fields, [
      { path: 'spec.replicas', manager: 'kubectl-edit' },
    ]);

    const { stdout } = await kubectl('get', 'syncs', '-n', namespace);
    const [header, row] = stdout.trimEnd().split('\n');
    assert.deepEqual(header?.split(/\s{2,}/), ['NAME', 'READY', 'STATUS', 'REVISION', 'AGE']);
    assert.match(
      row ?? '',
      new RegExp(`^web\\s+True\\s+Applied revision ${revision}\\s+${revision}\\s+\\d+[smhd]`),
    );

    const category = await kubectl('get', 'moor', '-n', namespace);
    assert.match(category.stdout, /sync\.moor\.dev\/web/, 'the moor category lists the Sync');
  },
);
