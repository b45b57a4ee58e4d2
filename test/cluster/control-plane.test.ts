import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { clusterTest as test, testCluster, testNamespace } from '../helpers/cluster.ts';

const run = promisify(execFile);

test('the control plane answers /readyz with ok', async () => {
  const { kubectl, kubeconfig } = testCluster();
  const { stdout } = await run(kubectl, ['--kubeconfig', kubeconfig, 'get', '--raw', '/readyz']);
  assert.equal(stdout.trim(), 'ok');
});

test('a Deployment created with kubectl becomes Available', async (t) => {
  const { kubectl, kubeconfig } = testCluster();
  const ns = await testNamespace(t, 'deploy');
  const k = (...args: string[]) => run(kubectl, ['--kubeconfig', kubeconfig, '-n', ns, ...args]);
  await k('create', 'deployment', 'web', '--image=registry.invalid/web:1', '--replicas=2');
  await k('wait', '--for=condition=Available', 'deployment/web', '--timeout=60s');
  const { stdout } = await k('get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}');
  assert.equal(stdout, '2');
});

test('a deleted namespace finishes deleting, so the controller manager runs', async () => {
  const { kubectl, kubeconfig } = testCluster();
  const k = (...args: string[]) => run(kubectl, ['--kubeconfig', kubeconfig, ...args]);
  const name = `gone-${Date.now().toString(36)}`;
  await k('create', 'namespace', name);
  await k('-n', name, 'create', 'configmap', 'c', '--from-literal=a=b');
  await k('delete', 'namespace', name, '--timeout=60s');
  await assert.rejects(k('get', 'namespace', name), /NotFound/);
});

test('a Job completes', async (t) => {
  const { kubectl, kubeconfig } = testCluster();
  const ns = await testNamespace(t, 'job');
  const k = (...args: string[]) => run(kubectl, ['--kubeconfig', kubeconfig, '-n', ns, ...args]);
  await k('create', 'job', 'once', '--image=registry.invalid/once:1');
  await k('wait', '--for=condition=Complete', 'job/once', '--timeout=60s');
});
