// The README's demo, run against the test control plane: it must converge and exit cleanly.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { clusterTest as test, testCluster, testNamespace } from './helpers/cluster.ts';
import { getObject, installCrds, testKube } from './helpers/operator.ts';

const run = promisify(execFile);

test('the demo installs Moor, converges both Syncs through kustomize and dependsOn, and exits', async (t) => {
  const cluster = testCluster();
  const kube = testKube();
  await installCrds(kube);
  const ns = await testNamespace(t, 'demo-run');
  t.after(async () => {
    await kube.delete(
      { apiVersion: 'v1', kind: 'Namespace', name: 'demo' },
      {},
      AbortSignal.timeout(10_000),
    );
  });
  const workDir = await mkdtemp(join(tmpdir(), 'moor-demo-'));
  const { stdout } = await run(
    process.execPath,
    [
      'scripts/demo.ts',
      '--kubeconfig',
      cluster.kubeconfig,
      '--work-dir',
      workDir,
      '--namespace',
      ns,
      '--http-addr',
      '127.0.0.1:0',
      '--exit-when-converged',
    ],
    { timeout: 240_000 },
  );
  assert.match(stdout, /\$ moor install/);
  assert.match(stdout, /\$ moor reconcile sync apps --wait/);
  assert.match(stdout, /apps\s+True/);
  assert.match(stdout, /infrastructure\s+True/);
  // The dashboard the demo names answers on loopback without a token (--ui-insecure-local).
  const dashboard =
    /Dashboard \(read-only, loopback, no token\): (http:\/\/127\.0\.0\.1:\d+\/ui\/)/.exec(stdout);
  assert.ok(dashboard, `the demo names the dashboard:\n${stdout}`);
  const web = await getObject(kube, 'apps/v1', 'Deployment', 'demo', 'web');
  assert.equal(web?.metadata.labels?.['moor.dev/sync-name'], 'apps');
  assert.equal((web?.status as { availableReplicas?: number }).availableReplicas, 2);
  const configMaps = await kube.list(
    'v1',
    'ConfigMap',
    { namespace: 'demo', labelSelector: 'moor.dev/sync-name=apps' },
    AbortSignal.timeout(10_000),
  );
  assert.ok(
    configMaps.ok && configMaps.value.items.some((c) => c.metadata.name?.startsWith('web-config-')),
    'the kustomize ConfigMap generator ran',
  );
});
