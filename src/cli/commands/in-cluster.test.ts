import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inClusterOptions } from './in-cluster.ts';

const pod = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
const mounted = () => true;
const absent = () => false;
const sa = '/var/run/secrets/kubernetes.io/serviceaccount';

const cases = [
  {
    name: 'in a pod, nothing else named: the mounted service account',
    args: [undefined, undefined, pod, mounted] as const,
    want: { inCluster: { dir: sa, host: '10.0.0.1', port: '443' } },
  },
  { name: 'a --kubeconfig wins', args: [undefined, '/k', pod, mounted] as const, want: {} },
  {
    name: 'KUBECONFIG wins',
    args: [undefined, undefined, { ...pod, KUBECONFIG: '/k' }, mounted] as const,
    want: {},
  },
  { name: 'no token mounted: none', args: [undefined, undefined, pod, absent] as const, want: {} },
  { name: 'not in a pod: none', args: [undefined, undefined, {}, mounted] as const, want: {} },
  {
    name: '--service-account-dir names the directory',
    args: [
      '/tmp/sa',
      undefined,
      { KUBERNETES_SERVICE_HOST: '::1', KUBERNETES_SERVICE_PORT: '6443' },
      absent,
    ] as const,
    want: { inCluster: { dir: '/tmp/sa', host: '::1', port: '6443' } },
  },
];

for (const c of cases)
  void test(`inClusterOptions: ${c.name}`, () => {
    const [dir, kubeconfig, env, exists] = c.args;
    assert.deepEqual(inClusterOptions(dir, kubeconfig, env, exists), c.want);
  });

void test('inClusterOptions: --service-account-dir without KUBERNETES_SERVICE_HOST is an error', () => {
  assert.throws(() => inClusterOptions('/tmp/sa', undefined, {}), /KUBERNETES_SERVICE_HOST/);
});
