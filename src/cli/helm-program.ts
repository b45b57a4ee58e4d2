// Where `moor operator` finds the helm program, once, at start: the `--helm` flag, then the pinned
// build the set-up links into the checkout (`.cache/bin/helm`), then `helm` on PATH. No
// environment variable chooses it.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { CliError } from './errors.ts';
import { PACKAGE_ROOT, type FoundKustomize, type KustomizeLookup } from './kustomize-program.ts';

export type HelmLookup = KustomizeLookup;
export type FoundHelm = FoundKustomize;

/** Finds helm; a `--helm` flag that names no executable is an error. */
export function findHelm(lookup: HelmLookup): FoundHelm {
  const isExecutable = lookup.isExecutable ?? isExecutableFile;
  if (lookup.flag !== undefined) {
    const path = resolve(lookup.flag);
    if (!isExecutable(path)) throw new CliError(`--helm ${lookup.flag}: no executable there`);
    return { path, lookedFor: `--helm ${lookup.flag}` };
  }
  const pinned = join(lookup.packageRoot ?? PACKAGE_ROOT, '.cache', 'bin', 'helm');
  const lookedFor = `${pinned} (linked by scripts/setup.sh) and helm on PATH`;
  if (isExecutable(pinned)) return { path: pinned, lookedFor };
  for (const dir of (lookup.searchPath ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, 'helm');
    if (isExecutable(candidate)) return { path: candidate, lookedFor };
  }
  return { path: undefined, lookedFor };
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
