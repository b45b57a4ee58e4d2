// The live cache and the diff against the real control plane: what kubectl changes shows up
// within a watch event, named by the field manager kubectl used, and reading costs no request.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pino from 'pino';
import { FIELD_MANAGER, Labels, type KubeObject } from '../core/index.ts';
import { diffObject } from '../drift/index.ts';
import { clusterTest as test, testCluster, testNamespace } from '../../test/helpers/cluster.ts';
import { createKubeClient, createLiveCache, type LiveChangeType } from './index.ts';

const run = promisify(execFile);
const step = (): AbortSignal => AbortSignal.timeout(30_000);

function kubectl(args: string[]): Promise<{ stdout: string }> {
  const cluster = testCluster();
  return run(cluster.kubectl, args, {
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? '', KUBECONFIG: cluster.kubeconfig, LC_ALL: 'C' },
  });
}

/** Resolves with the first change `match` accepts, or rejects after `ms`. */
function nextChange(
  cache: ReturnType<typeof createLiveCache>,
  match: (obj: KubeObject, type: LiveChangeType) => boolean,
  ms: number,
): Promise<{ obj: KubeObject; at: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching change within ${ms}ms`));
    }, ms);
    const off = cache.onChange((obj, type) => {
      if (!match(obj, type)) return;
      clearTimeout(timer);
      off();
      resolve({ obj, at: performance.now() });
    });
  });
}

test('the live cache sees managed objects, kubectl scale within a second, and deletion', async (t) => {
  const ns = await testNamespace(t, 'drift-cache');
  const kube = createKubeClient({ kubeconfig: testCluster().kubeconfig });
  const labels = { [Labels.syncName]: ns, [Labels.syncNamespace]: 'moor-system' };
  const configMap = (name: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns, labels },
    data: { greeting: `hello from ${name}` },
  });
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: ns, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: 0.25 } } },
          ],
        },
      },
    },
  };
  const unmanaged: KubeObject = {
    ...configMap('unmanaged'),
    metadata: { name: 'unmanaged', namespace: ns },
  };
  for (const obj of [configMap('one'), configMap('two'), deployment, unmanaged]) {
    const applied = await kube.apply(obj, { fieldManager: FIELD_MANAGER }, step());
    assert.ok(applied.ok, applied.ok ? '' : applied.error.message);
  }

  const stop = new AbortController();
  t.after(() => stop.abort());
  const cache = createLiveCache({
    kube,
    labelSelector: `${Labels.syncName}=${ns}`,
    signal: stop.signal,
    logger: pino({ level: 'silent' }),
  });
  assert.ok((await cache.ensureKind('v1', 'ConfigMap')).ok);
  assert.ok((await cache.ensureKind('apps/v1', 'Deployment')).ok);
  assert.deepEqual(
    cache
      .list('v1', 'ConfigMap')
      .map((o) => o.metadata.name)
      .sort(),
    ['one', 'two'],
    'the cache holds the labelled objects only',
  );

  // Once the watches are open, reading and diffing make no request at all.
  for (let i = 0; i < 100 && (kube.requestCounts.get('watch') ?? 0) < 2; i++)
    await new Promise((r) => setTimeout(r, 50));
  const before = new Map(kube.requestCounts);
  for (let i = 0; i < 50; i++) {
    assert.equal(diffObject(configMap('one'), cache.get('v1', 'ConfigMap', ns, 'one')), undefined);
    assert.equal(diffObject(deployment, cache.get('apps/v1', 'Deployment', ns, 'web')), undefined);
  }
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(new Map(kube.requestCounts), before);

  const scaled = nextChange(
    cache,
    (obj, type) =>
      type === 'modified' &&
      obj.metadata.name === 'web' &&
      (obj.spec as { replicas?: number }).replicas === 5,
    10_000,
  );
  await kubectl(['scale', '-n', ns, 'deployment/web', '--replicas=5']);
  const scaledAt = performance.now();
  const { at } = await scaled;
  assert.ok(at - scaledAt < 1_000, `change seen ${(at - scaledAt).toFixed(0)}ms after kubectl`);
  const drift = diffObject(deployment, cache.get('apps/v1', 'Deployment', ns, 'web'));
  assert.deepEqual(
    drift?.fields?.map((f) => ({
      path: f.path,
      manager: f.manager,
      desired: f.desired,
      live: f.live,
    })),
    [{ path: 'spec.replicas', manager: 'kubectl', desired: '1', live: '5' }],
  );

  const deleted = nextChange(
    cache,
    (obj, type) => type === 'deleted' && obj.metadata.name === 'two',
    10_000,
  );
  await kubectl(['delete', '-n', ns, 'configmap/two']);
  await deleted;
  assert.equal(cache.get('v1', 'ConfigMap', ns, 'two'), undefined);
  assert.deepEqual(diffObject(configMap('two'), cache.get('v1', 'ConfigMap', ns, 'two')), {
    group: '',
    kind: 'ConfigMap',
    namespace: ns,
    name: 'two',
    deleted: true,
  });

  stop.abort();
  await cache.stopped();
});
