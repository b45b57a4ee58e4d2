// Git repositories of ConfigMaps for the benchmarks, built with the tests' repository helper.
import { configMapYaml } from '../../test/helpers/operator.ts';
import { createTestRepo, type TestRepo } from '../../test/helpers/git-server.ts';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Name of the i-th ConfigMap of the 1,000-object Sync. */
export const configMapName = (i: number): string => `cm-${pad(i, 5)}`;

export const configMapValue = (generation: number): string => `value-${generation}`;

/** The document of the i-th ConfigMap, whose `value` key is `configMapValue(generation)`. */
export function benchConfigMap(name: string, generation = 0): string {
  return configMapYaml(name, { value: configMapValue(generation), owner: 'moor-bench' });
}

/** One file per ConfigMap under `dir/`, so a commit can change exactly one of them. */
export async function createConfigMapRepo(
  dir: string,
  count: number,
): Promise<{ repo: TestRepo; names: string[] }> {
  const names = Array.from({ length: count }, (_, i) => configMapName(i));
  const files = Object.fromEntries(names.map((n) => [`${dir}/${n}.yaml`, benchConfigMap(n)]));
  return { repo: await createTestRepo({ name: 'configmaps', files }), names };
}

/**
 * `paths` directories `<prefix>-NNNN/`, each one file with `perPath` ConfigMaps named
 * `<prefix>NNNN-cm-NNNN` (names unique across paths, so all can share one namespace).
 */
export async function createPathsRepo(
  prefix: string,
  paths: number,
  perPath: number,
): Promise<{ repo: TestRepo; paths: string[] }> {
  const dirs: string[] = [];
  const files: Record<string, string> = {};
  for (let p = 0; p < paths; p++) {
    const dir = `${prefix}-${pad(p, 4)}`;
    dirs.push(dir);
    const docs = Array.from({ length: perPath }, (_, i) =>
      benchConfigMap(`${prefix}${pad(p, 4)}-cm-${pad(i, 5)}`),
    );
    files[`${dir}/objects.yaml`] = docs.join('---\n');
  }
  return { repo: await createTestRepo({ name: prefix, files }), paths: dirs };
}
