// Memory is bounded by what exists: 1,000 Syncs created and deleted leave the operator's
// per-object maps (moor_remembered_entries) where they were before, and its heap after a full
// garbage collection (read through the V8 inspector) close to where it was.
import assert from 'node:assert/strict';
import pLimit from 'p-limit';
import type { KubeClient } from '../../src/kube/index.ts';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import { connectInspector } from '../helpers/inspector.ts';
import {
  applyObject,
  configMapYaml,
  conditionOf,
  gitRepository,
  setUpScenario,
  sync,
  waitFor,
} from '../helpers/operator.ts';

const SYNCS = 1000;
const MiB = 2 ** 20;
/** What the heap may keep after the Syncs are gone: compiled code, grown pools, caches of kinds. */
const HEAP_SLACK_BYTES = 24 * MiB;
const MOOR = 'moor.dev/v1alpha1';
const name = (i: number): string => `m-${String(i).padStart(4, '0')}`;

async function remembered(metricsUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(10_000) })).text();
  const sizes = new Map<string, number>();
  for (const m of text.matchAll(/^moor_remembered_entries\{map="([a-z_]+)"\} (\d+)$/gm))
    sizes.set(m[1] ?? '', Number(m[2]));
  return sizes;
}

async function countSyncs(kube: KubeClient, ns: string, ready: boolean): Promise<number> {
  const listed = await kube.list(MOOR, 'Sync', { namespace: ns }, AbortSignal.timeout(30_000));
  if (!listed.ok) throw listed.error;
  const items = listed.value.items;
  return ready
    ? items.filter((o) => conditionOf(o, 'Ready')?.status === 'True').length
    : items.length;
}

/** The maps that hold more than before: every one keyed by a deleted Sync should be back. */
function grownMaps(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...after]
    .filter(([map, n]) => n > (before.get(map) ?? 0))
    .map(([map, n]) => `${map}: ${before.get(map) ?? 0} → ${n}`);
}

test(
  'creating and deleting 1,000 Syncs leaves the remembered maps and the heap where they were',
  { timeout: 1_800_000 },
  async (t) => {
    const files = Object.fromEntries([
      ['warm-up/cm.yaml', configMapYaml('warm-up-cm', { i: 'warm-up' })],
      ...Array.from({ length: SYNCS }, (_, i) => [
        `${name(i)}/cm.yaml`,
        configMapYaml(`${name(i)}-cm`, { i: String(i) }),
      ]),
    ]) as Record<string, string>;
    const { kube, ns, repo, operator } = await setUpScenario(t, 'forget', files, {
      httpAddr: '127.0.0.1:0',
      env: { NODE_OPTIONS: '--inspect=127.0.0.1:0' },
    });
    const metricsUrl = `${await operator.httpUrl()}/metrics`;
    const inspector = await connectInspector(operator.logPath);
    t.after(() => inspector.close());
    await applyObject(
      kube,
      gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' }, interval: '1h' }),
    );
    // The baseline: the source is Ready and one Sync went through a whole cycle (every code path
    // compiled, the ConfigMap kind watched), then was deleted.
    const source = { kind: 'GitRepository', name: 'src' };
    const warm = sync(ns, 'warm-up', { sourceRef: source, targetNamespace: ns });
    await applyObject(kube, { ...warm, spec: { ...(warm.spec as object), path: 'warm-up' } });
    await waitFor('the warm-up Sync Ready', async () => (await countSyncs(kube, ns, true)) === 1);
    await kube.delete(
      { apiVersion: MOOR, kind: 'Sync', namespace: ns, name: 'warm-up' },
      {},
      AbortSignal.timeout(30_000),
    );
    await waitFor('the warm-up Sync forgotten', async () => {
      const sizes = await remembered(metricsUrl);
      return (await countSyncs(kube, ns, false)) === 0 && (sizes.get('desired') ?? 1) === 0;
    });
    const baseline = await remembered(metricsUrl);
    const heapBefore = await inspector.heapUsedAfterGc();

    const limit = pLimit(16);
    await Promise.all(
      Array.from({ length: SYNCS }, (_, i) =>
        limit(() =>
          applyObject(
            kube,
            sync(ns, name(i), {
              sourceRef: source,
              targetNamespace: ns,
              path: name(i),
              interval: '1h',
            }),
          ),
        ),
      ),
    );
    await waitFor(
      `${SYNCS} Syncs Ready`,
      async () => (await countSyncs(kube, ns, true)) === SYNCS,
      // ~3 minutes on 2 cores at load 15; more on a busier machine.
      1_200_000,
    );
    const full = await remembered(metricsUrl);
    const heapFull = await inspector.heapUsedAfterGc();
    // The gauge sees the Syncs: a map that did not grow would prove nothing when it shrinks.
    assert.ok((full.get('desired') ?? 0) >= SYNCS, `desired: ${full.get('desired')}`);
    assert.ok((full.get('sync_requeues') ?? 0) >= SYNCS, `requeues: ${full.get('sync_requeues')}`);

    await Promise.all(
      Array.from({ length: SYNCS }, (_, i) =>
        limit(() =>
          kube.delete(
            { apiVersion: MOOR, kind: 'Sync', namespace: ns, name: name(i) },
            {},
            AbortSignal.timeout(30_000),
          ),
        ),
      ),
    );
    await waitFor(
      'every Sync gone',
      async () => (await countSyncs(kube, ns, false)) === 0,
      300_000,
    );
    let after = new Map<string, number>();
    await waitFor(
      'the remembered maps back to the baseline',
      async () => {
        after = await remembered(metricsUrl);
        return grownMaps(baseline, after).length === 0;
      },
      120_000,
    ).catch(() => assert.deepEqual(grownMaps(baseline, after), [], 'maps that kept deleted Syncs'));
    const heapAfter = await inspector.heapUsedAfterGc();
    const mib = (n: number): string => `${(n / MiB).toFixed(1)} MiB`;
    t.diagnostic(
      `heap after GC: ${mib(heapBefore)} before, ${mib(heapFull)} with ${SYNCS} Syncs, ${mib(heapAfter)} after`,
    );
    // At least half of what the Syncs took is given back, and what stays is small.
    assert.ok(
      heapAfter - heapBefore <= (heapFull - heapBefore) / 2,
      `heap after GC: ${mib(heapAfter - heapBefore)} of ${mib(heapFull - heapBefore)} kept`,
    );
    assert.ok(
      heapAfter <= heapBefore + HEAP_SLACK_BYTES,
      `heap after GC grew from ${mib(heapBefore)} to ${mib(heapAfter)} (${mib(heapFull)} with the Syncs)`,
    );
  },
);
