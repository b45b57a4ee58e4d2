// Where `moor operator` finds the kustomize program, once, at start: the `--kustomize` flag, then
// the pinned build the set-up links into the checkout (`.cache/bin/kustomize`), then `kustomize`
// on PATH. No environment variable chooses it.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { CliError } from './errors.ts';

/** The checkout (or installed package) this CLI runs from. */
export const PACKAGE_ROOT = resolve(import.meta.dirname, '..', '..');

export type KustomizeLookup = {
  /** `--kustomize PATH`, when given. */
  readonly flag?: string | undefined;
  /** Where the set-up links the pinned build; default: `.cache/bin/` in the package root. */
  readonly packageRoot?: string;
  /** The PATH to search last. */
  readonly searchPath: string | undefined;
  readonly isExecutable?: (path: string) => boolean;
};

export type FoundKustomize = {
  /** The program, or undefined when none was found. */
  readonly path: string | undefined;
  /** Where it was looked for, in order. */
  readonly lookedFor: string;
};

/** Finds kustomize; a `--kustomize` flag that names no executable is an error. */
export function findKustomize(lookup: KustomizeLookup): FoundKustomize {
  const isExecutable = lookup.isExecutable ?? isExecutableFile;
  if (lookup.flag !== undefined) {
    const path = resolve(lookup.flag);
    if (!isExecutable(path)) throw new CliError(`--kustomize ${lookup.flag}: no executable there`);
    return { path, lookedFor: `--kustomize ${lookup.flag}` };
  }
  const pinned = join(lookup.packageRoot ?? PACKAGE_ROOT, '.cache', 'bin', 'kustomize');
  const lookedFor = `${pinned} (linked by scripts/setup.sh) and kustomize on PATH`;
  if (isExecutable(pinned)) return { path: pinned, lookedFor };
  for (const dir of (lookup.searchPath ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, 'kustomize');
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
