// `moor create sync … --chart … --version … --values FILE`: the Sync's spec.helm from flags.
// `--values` files are read here (local files, merged in order, inlined as spec.helm.values);
// a YAML error names file:line:col.
import { readFileSync } from 'node:fs';
import type { Command, OptionValues } from '@commander-js/extra-typings';
import { mergeLayers } from '../parts-api.ts';
import { CliError } from '../errors.ts';

export const helmFlagOfField = {
  'spec.helm.chart': '--chart',
  'spec.helm.version': '--version',
  'spec.helm.releaseName': '--release-name',
  'spec.helm.sourceRef.name': '--helm-repository',
} as const;

export function helmOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  c: Command<A, O, G>,
) {
  return c
    .option(
      '--chart <chart>',
      'render this chart: a directory in the source, or a chart name with --helm-repository',
    )
    .option('--version <range>', 'semver range the chart version must match (the highest wins)')
    .option('--chart-version <range>', 'the same as --version')
    .option('--helm-repository <name>', 'take --chart from this HelmRepository')
    .option('--release-name <name>', "the Helm release name (default: the Sync's name)")
    .option('--values <file...>', 'local values files, merged in order into spec.helm.values');
}

type HelmFlags = {
  readonly chart?: string | undefined;
  readonly version?: string | undefined;
  /** The older name of --version. */
  readonly chartVersion?: string | undefined;
  readonly helmRepository?: string | undefined;
  readonly releaseName?: string | undefined;
  readonly values?: readonly string[] | undefined;
};

function readValues(files: readonly string[]): Record<string, unknown> {
  const layers = files.map((file) => {
    try {
      return { name: file, text: readFileSync(file, 'utf8') };
    } catch (cause) {
      throw new CliError(`--values ${file}: ${(cause as Error).message}`);
    }
  });
  const merged = mergeLayers(layers);
  if (!merged.ok) throw new CliError(`--values ${merged.error.message}`);
  return merged.value;
}

/** spec.helm, or undefined when no chart flag is given. */
export function helmSpecOf(flags: HelmFlags): Record<string, unknown> | undefined {
  if (flags.version !== undefined && flags.chartVersion !== undefined)
    throw new CliError('--version and --chart-version name the same thing: give one of them');
  const version = flags.version ?? flags.chartVersion;
  const given = [flags.chart, version, flags.helmRepository, flags.releaseName, flags.values];
  if (given.every((v) => v === undefined)) return undefined;
  const spec: Record<string, unknown> = {
    ...(flags.helmRepository === undefined
      ? {}
      : { sourceRef: { kind: 'HelmRepository', name: flags.helmRepository } }),
    ...(flags.chart === undefined ? {} : { chart: flags.chart }),
    ...(version === undefined ? {} : { version }),
    ...(flags.releaseName === undefined ? {} : { releaseName: flags.releaseName }),
    ...(flags.values?.length ? { values: readValues(flags.values) } : {}),
  };
  return spec;
}
