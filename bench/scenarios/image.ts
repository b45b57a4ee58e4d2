// Image update automation: the time from a registry push (crane, on loopback) until the
// Deployment runs the new tag (its spec names it and the rollout is done), with the
// ImageRepository's interval at 1 s. Each push is one new semver tag; the automation commits the
// marked line, the GitRepository fetches at once, the Sync applies it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../../src/core/index.ts';
import { pushTags } from '../../test/helpers/crane.ts';
import { createTestRepo, fileUrl } from '../../test/helpers/git-server.ts';
import { startTestRegistry } from '../../test/helpers/registry.ts';
import {
  createNamespace,
  deleteNamespaces,
  startBenchOperator,
  withCleanup,
  type BenchContext,
} from '../lib/context.ts';
import { applyAs, MOOR_API, sourceObject, syncObject } from '../lib/resources.ts';
import { latencyMs } from '../lib/stats.ts';

const PUSHES = 7;
const ROLLOUT_TIMEOUT_MS = 60_000;

const deployment = (image: string, ns: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ${image} # {"$imagepolicy": "${ns}:web"}
`;

const moorObject = (kind: string, namespace: string, spec: object): KubeObject => ({
  apiVersion: MOOR_API,
  kind,
  metadata: { name: 'web', namespace },
  spec,
});

/** Whether the Deployment names `image` and has rolled it out. */
function runs(obj: KubeObject | undefined, image: string): boolean {
  const spec = obj?.spec as
    { template?: { spec?: { containers?: { image?: string }[] } } } | undefined;
  const status = obj?.status as
    { observedGeneration?: number; updatedReplicas?: number; readyReplicas?: number } | undefined;
  return (
    spec?.template?.spec?.containers?.[0]?.image === image &&
    status?.observedGeneration === obj?.metadata.generation &&
    status?.updatedReplicas === 1 &&
    status.readyReplicas === 1
  );
}

async function waitRunning(ctx: BenchContext, namespace: string, image: string): Promise<number> {
  const deadline = performance.now() + ROLLOUT_TIMEOUT_MS;
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: 'web' };
  while (performance.now() < deadline) {
    const got = await ctx.kube.get(ref, AbortSignal.any([ctx.signal, AbortSignal.timeout(10_000)]));
    if (got.ok && runs(got.value, image)) return performance.now();
    await sleep(25);
  }
  throw new Error(`the Deployment did not run ${image} within ${ROLLOUT_TIMEOUT_MS} ms`);
}

export async function runImage(ctx: BenchContext): Promise<Record<string, unknown>> {
  return withCleanup(async (defer) => {
    const registry = await startTestRegistry();
    defer(() => registry.close());
    const image = `${registry.host}/web`;
    await pushTags(registry.host, 'web', ['1.0.0']);
    const namespace = await createNamespace(ctx, 'image');
    defer(() => deleteNamespaces(ctx, [namespace]));
    const repo = await createTestRepo({
      files: { 'deploy/app.yaml': deployment(`${image}:1.0.0`, namespace) },
    });
    defer(() => repo.close());
    const operator = await startBenchOperator(ctx, namespace);
    defer(() => operator.stop());
    await applyAs(ctx, sourceObject(namespace, 'src', fileUrl(repo), '1h'));
    await applyAs(
      ctx,
      syncObject(namespace, 'web', { source: 'src', path: './deploy', interval: '1h' }),
    );
    await applyAs(
      ctx,
      moorObject('ImageRepository', namespace, { image, interval: '1s', insecure: true }),
    );
    const policy = {
      imageRepositoryRef: { name: 'web' },
      policy: { semver: { range: '>=1.0.0' } },
    };
    await applyAs(ctx, moorObject('ImagePolicy', namespace, policy));
    const author = { name: 'Moor', email: 'moor@example.invalid' };
    const update = { sourceRef: { name: 'src' }, interval: '1h', git: { commit: { author } } };
    await applyAs(ctx, moorObject('ImageUpdateAutomation', namespace, update));
    await waitRunning(ctx, namespace, `${image}:1.0.0`);
    const samples: number[] = [];
    for (let i = 1; i <= PUSHES; i++) {
      const tag = `1.0.${i}`;
      await pushTags(registry.host, 'web', [tag]);
      const pushed = performance.now();
      samples.push((await waitRunning(ctx, namespace, `${image}:${tag}`)) - pushed);
      ctx.log(`image: push ${tag} → running in ${Math.round(samples.at(-1) ?? 0)} ms`);
      // A pause off the scan interval's phase, so the samples spread over it.
      await sleep(300 + ((i * 618) % 1000));
    }
    return { image: { interval: '1s', pushes: PUSHES, pushToRunningMs: latencyMs(samples) } };
  });
}
