// A 200-object chart: the first render and apply (time to Ready, helm processes, writes), then
// no-op reconciles (forced with the reconcile-requested-at annotation): the render cache keeps
// them to zero helm processes and zero object writes. helm runs are counted by a wrapper the
// operator is pointed at (--helm).
import { setTimeout as sleep } from 'node:timers/promises';
import { Annotations, type KubeObject } from '../../src/core/index.ts';
import { createTestRepo, fileUrl } from '../../test/helpers/git-server.ts';
import { countingHelm, testHelm } from '../../test/helpers/helm.ts';
import {
  createNamespace,
  deleteNamespaces,
  startBenchOperator,
  withCleanup,
  type BenchContext,
} from '../lib/context.ts';
import { applyAs, MOOR_API, sourceObject } from '../lib/resources.ts';
import { median, round } from '../lib/stats.ts';
import type { Results } from '../lib/report.ts';

const OBJECTS = 200;
const NOOP_RECONCILES = 5;
const TIMEOUT_MS = 180_000;

const chartFiles = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: many\nversion: 1.0.0\n',
  'chart/values.yaml': `count: ${OBJECTS}\nvalue: v1\n`,
  'chart/templates/configmaps.yaml': [
    '{{- range $i := until (int .Values.count) }}',
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: cm-{{ $i }}',
    'data:',
    '  value: {{ $.Values.value | quote }}',
    '{{- end }}',
    '',
  ].join('\n'),
};

async function syncStatus(ctx: BenchContext, ns: string) {
  const got = await ctx.kube.get(
    { apiVersion: MOOR_API, kind: 'Sync', namespace: ns, name: 'chart' },
    AbortSignal.any([ctx.signal, AbortSignal.timeout(10_000)]),
  );
  if (!got.ok) throw got.error;
  return (got.value?.status ?? {}) as {
    lastAppliedRevision?: string;
    lastHandledReconcileAt?: string;
    conditions?: { type: string; status: string }[];
  };
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function liveVersions(ctx: BenchContext, ns: string): Promise<Map<string, string>> {
  const listed = await ctx.kube.list('v1', 'ConfigMap', { namespace: ns }, ctx.signal);
  if (!listed.ok) throw listed.error;
  return new Map(
    listed.value.items.map((o: KubeObject) => [
      o.metadata.name ?? '',
      o.metadata.resourceVersion ?? '',
    ]),
  );
}

export async function runHelm(ctx: BenchContext): Promise<Results> {
  const { helm, skip } = testHelm();
  if (!helm) throw new Error(skip ?? 'no helm');
  return withCleanup(async (defer) => {
    const ns = await createNamespace(ctx, 'helm');
    defer(() => deleteNamespaces(ctx, [ns]));
    const repo = await createTestRepo({ name: 'chart', files: chartFiles });
    defer(() => repo.close());
    const counting = await countingHelm(ctx.workDir, helm);
    const operator = await startBenchOperator(ctx, ns, { extraArgs: ['--helm', counting.path] });
    defer(() => operator.stop());
    await applyAs(ctx, sourceObject(ns, 'chart', fileUrl(repo), '1h'));
    const started = performance.now();
    await applyAs(ctx, {
      apiVersion: MOOR_API,
      kind: 'Sync',
      metadata: { name: 'chart', namespace: ns },
      spec: { sourceRef: { name: 'chart' }, interval: '1h', prune: true, helm: { chart: 'chart' } },
    });
    await until('the chart Ready', async () => {
      const status = await syncStatus(ctx, ns);
      return (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    });
    const firstMs = performance.now() - started;
    const firstRuns = await counting.runs();
    const before = await liveVersions(ctx, ns);
    const objects = [...before.keys()].filter((n) => n.startsWith('cm-')).length;
    const wallMs: number[] = [];
    for (let i = 0; i < NOOP_RECONCILES; i++) {
      const value = `bench-${i}`;
      const t0 = performance.now();
      const patched = await ctx.kube.mergePatch(
        { apiVersion: MOOR_API, kind: 'Sync', namespace: ns, name: 'chart' },
        { metadata: { annotations: { [Annotations.reconcileRequestedAt]: value } } },
        ctx.signal,
      );
      if (!patched.ok) throw patched.error;
      await until(
        `forced reconcile ${value}`,
        async () => (await syncStatus(ctx, ns)).lastHandledReconcileAt === value,
      );
      wallMs.push(performance.now() - t0);
    }
    const after = await liveVersions(ctx, ns);
    const objectWrites = [...before].filter(([name, rv]) => after.get(name) !== rv).length;
    const results = {
      helm: {
        objects,
        first: { readyMs: round(firstMs), helmRuns: firstRuns },
        noop: {
          reconciles: NOOP_RECONCILES,
          helmRuns: (await counting.runs()) - firstRuns,
          objectWrites,
          wallMs: round(median(wallMs)),
        },
      },
    };
    ctx.log(`  helm: ${JSON.stringify(results.helm)}`);
    return results;
  });
}
