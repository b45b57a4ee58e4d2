// Drift correction: another field manager (`bench-intruder`, server-side apply with force)
// changes a data value Moor manages; the time from the watch showing the intruder's value until
// it shows the desired value again. One ConfigMap per repetition.
import type { KubeObject } from '../../src/core/index.ts';
import type { BenchContext } from '../lib/context.ts';
import type { ConfigMapSync } from '../lib/fixture.ts';
import { waitQuiet } from '../lib/resources.ts';
import { latencyMs } from '../lib/stats.ts';
import { trackKind, type Tracker } from '../lib/watch.ts';

const INTRUDER = 'bench-intruder';
const CORRECT_TIMEOUT_MS = 30_000;

const valueOf = (obj: KubeObject | undefined): string | undefined =>
  (obj?.data as Record<string, string> | undefined)?.value;

async function measureOne(
  ctx: BenchContext,
  fx: ConfigMapSync,
  configMaps: Tracker,
  r: number,
): Promise<number> {
  const name = fx.names[(r * 7) % fx.names.length] ?? '';
  const desired = valueOf(configMaps.get(name));
  if (desired === undefined) throw new Error(`ConfigMap ${fx.namespace}/${name} is not there`);
  const intruded = `intruder-${r}`;
  let intrudedAt: number | undefined;
  const restored = configMaps.waitFor(
    name,
    (obj) => {
      const value = valueOf(obj);
      if (value === intruded) intrudedAt ??= performance.now();
      return intrudedAt !== undefined && value === desired;
    },
    CORRECT_TIMEOUT_MS,
  );
  const res = await ctx.kube.apply(
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: fx.namespace },
      data: { value: intruded },
    },
    { fieldManager: INTRUDER, force: true },
    AbortSignal.timeout(10_000),
  );
  if (!res.ok) throw res.error;
  const applied = performance.now();
  const seen = await restored;
  return seen.at - (intrudedAt ?? applied);
}

export async function runDrift(
  ctx: BenchContext,
  fx: ConfigMapSync,
): Promise<Record<string, unknown>> {
  await fx.setIntervals({ source: '1h', sync: '1h' });
  const configMaps = await trackKind(
    ctx.kube,
    { apiVersion: 'v1', kind: 'ConfigMap', namespace: fx.namespace },
    ctx.signal,
  );
  try {
    const latencies: number[] = [];
    for (let r = 0; r < ctx.sizes.driftRepetitions; r++) {
      latencies.push(await measureOne(ctx, fx, configMaps, r));
      await waitQuiet(fx.operator, 300, { timeoutMs: 10_000 });
    }
    const summary = latencyMs(latencies);
    ctx.log(`  drift corrected: ${JSON.stringify(summary)}`);
    return { drift: { objects: fx.names.length, mode: 'Correct', ...summary } };
  } finally {
    configMaps.stop();
  }
}
