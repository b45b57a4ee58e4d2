// Command line of `node bench/run.ts`.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultSizes, listSizes, quickSizes, sizeFlags, type Sizes } from './sizes.ts';

export const ScenarioNames = [
  'ceiling',
  'push',
  'noop',
  'drift',
  'many-syncs',
  'steady',
  'cli',
  'git',
  'cost',
  'shared-source',
  'startup',
  'soak',
  'helm',
  'ui',
  'image',
  'takeover',
] as const;
export type ScenarioName = (typeof ScenarioNames)[number];

/** Scenarios a run without --only leaves out: the soak runs for --minutes, alone; helm and
 * image on request; ui needs Chromium. */
const OnlyWhenNamed: readonly ScenarioName[] = ['soak', 'helm', 'ui', 'image', 'takeover'];

export type BenchArgs = {
  readonly scenarios: readonly ScenarioName[];
  readonly kubeconfig?: string;
  readonly out: string;
  readonly quick: boolean;
  readonly cpuProfDir?: string;
  /** Take a V8 heap snapshot of the operator after each memory measurement, into this directory. */
  readonly heapSnapshotDir?: string;
  /** More NODE_OPTIONS for every operator the run starts (heap flags to compare). */
  readonly operatorNodeOptions?: string;
  /** Keep the work dir (operator logs, repositories) after a successful run. */
  readonly keep: boolean;
  readonly sizes: Sizes;
};

export const USAGE = `usage: node bench/run.ts [--only ${ScenarioNames.join(',')}] [--quick]
       [--kubeconfig PATH] [--out FILE.json] [--cpu-prof DIR] [--heap-snapshots DIR]
       [--operator-node-options FLAGS] [--keep]
       ${Object.values(sizeFlags)
         .map((f) => `[--${f} N]`)
         .join(' ')}`;

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new Error(`--${flag} must be a whole number ≥ 1`);
  return n;
}

export function parseBenchArgs(argv: readonly string[], root: string): BenchArgs {
  const sizeOptions = Object.fromEntries(
    Object.values(sizeFlags).map((f) => [f, { type: 'string' as const }]),
  );
  const { values } = parseArgs({
    args: [...argv],
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
      out: { type: 'string' },
      'cpu-prof': { type: 'string' },
      'heap-snapshots': { type: 'string' },
      'operator-node-options': { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      ...sizeOptions,
    },
    strict: true,
  });
  if (values.help) throw new Error(USAGE);
  const base = values.quick ? quickSizes : defaultSizes;
  const sizes: Record<string, unknown> = { ...base };
  for (const [key, flag] of Object.entries(sizeFlags) as [keyof Sizes, string][]) {
    const raw = (values as Record<string, unknown>)[flag];
    if (typeof raw !== 'string') continue;
    sizes[key] = listSizes.has(key)
      ? raw.split(',').map((v) => positive(flag, v.trim()))
      : positive(flag, raw);
  }
  const only =
    values.only?.split(',').map((s) => s.trim()) ??
    ScenarioNames.filter((n) => !OnlyWhenNamed.includes(n));
  for (const name of only)
    if (!(ScenarioNames as readonly string[]).includes(name))
      throw new Error(`--only: unknown scenario "${name}" (known: ${ScenarioNames.join(', ')})`);
  return {
    scenarios: ScenarioNames.filter((n) => only.includes(n)),
    ...(values.kubeconfig ? { kubeconfig: resolve(values.kubeconfig) } : {}),
    out: resolve(values.out ?? resolve(root, 'bench', 'results', 'latest.json')),
    quick: values.quick,
    keep: values.keep,
    ...(values['cpu-prof'] ? { cpuProfDir: resolve(values['cpu-prof']) } : {}),
    ...(values['heap-snapshots'] ? { heapSnapshotDir: resolve(values['heap-snapshots']) } : {}),
    ...(values['operator-node-options']
      ? { operatorNodeOptions: values['operator-node-options'] }
      : {}),
    sizes: sizes as Sizes,
  };
}
