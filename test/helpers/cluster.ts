// Test access to the one control plane that `npm test` starts per run, and a namespace per test.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { before, test, type TestContext, type TestOptions } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeClient, type KubeClient } from '../../src/kube/index.ts';

export type TestCluster = {
  /** Path of an admin kubeconfig for the run's control plane. */
  readonly kubeconfig: string;
  /** Directory holding kubectl, etcd, kube-apiserver … of the control plane. */
  readonly binDir: string;
  readonly kubectl: string;
};

/** Why a test that needs the control plane cannot run here; undefined when one is given. */
export function clusterMissing(): string | undefined {
  const given = process.env.MOOR_TEST_KUBECONFIG && process.env.MOOR_TEST_BIN_DIR;
  return given
    ? undefined
    : 'needs a control plane (MOOR_TEST_KUBECONFIG and MOOR_TEST_BIN_DIR; `npm test` starts one)';
}

type ClusterTestFn = (t: TestContext) => void | Promise<void>;

/**
 * `test` from node:test for a test that needs the run's control plane: skipped, with the reason,
 * when none is given (`node test/run.ts --no-cluster` without MOOR_TEST_KUBECONFIG).
 */
export function clusterTest(name: string, fn: ClusterTestFn): void;
export function clusterTest(name: string, options: TestOptions, fn: ClusterTestFn): void;
export function clusterTest(
  name: string,
  optionsOrFn: TestOptions | ClusterTestFn,
  maybeFn?: ClusterTestFn,
): void {
  const options = typeof optionsOrFn === 'function' ? {} : optionsOrFn;
  const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn;
  const skip = clusterMissing();
  void test(name, skip === undefined ? options : { ...options, skip }, fn);
}

/** `before` from node:test for a hook that needs the control plane: not run when none is given. */
export function clusterBefore(fn: () => void | Promise<void>): void {
  if (clusterMissing() === undefined) before(fn);
}

export function testCluster(): TestCluster {
  const kubeconfig = process.env.MOOR_TEST_KUBECONFIG;
  const binDir = process.env.MOOR_TEST_BIN_DIR;
  if (!kubeconfig || !binDir) {
    throw new Error(
      'no test control plane: run the tests with `npm test` (it starts one), or set MOOR_TEST_KUBECONFIG and MOOR_TEST_BIN_DIR; a test that needs one uses clusterTest, which skips without it',
    );
  }
  return { kubeconfig, binDir, kubectl: join(binDir, 'kubectl') };
}

export function loadKubeConfig(cluster: TestCluster = testCluster()): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  return kc;
}

let namespaceClient: KubeClient | undefined;

/**
 * Creates a fresh namespace for this test and deletes it when the test ends. Both requests are
 * bounded (a request the API server never answers fails the test instead of stalling its file).
 */
export async function testNamespace(t: TestContext, prefix = 'test'): Promise<string> {
  namespaceClient ??= createKubeClient({ kubeconfig: testCluster().kubeconfig });
  const kube = namespaceClient;
  const base = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 40);
  const name = `${base}-${randomBytes(3).toString('hex')}`;
  const metadata = { name, labels: { 'moor.dev/test': 'true' } };
  const created = await kube.create(
    { apiVersion: 'v1', kind: 'Namespace', metadata },
    AbortSignal.timeout(60_000),
  );
  if (!created.ok) throw created.error;
  t.after(async () => {
    await kube.delete(
      { apiVersion: 'v1', kind: 'Namespace', name },
      {},
      AbortSignal.timeout(30_000),
    );
  });
  return name;
}
