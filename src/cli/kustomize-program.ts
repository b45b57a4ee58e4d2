// Where `moor operator` finds the programs it runs (kustomize, helm), once, at start: the flag
// (`--kustomize`, `--helm`), then the pinned build the set-up links into the checkout
// (`.cache/bin/NAME`), then NAME on PATH. No environment variable chooses them.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { CliError } from './errors.ts';

/** The checkout (or installed package) this CLI runs from. */
export const PACKAGE_ROOT = resolve(import.meta.dirname, '..', '..');

export type ProgramLookup = {
  /** The program's flag (`--kustomize PATH`, `--helm PATH`), when given. */
  readonly flag?: string | undefined;
  /** Where the set-up links the pinned build; default: `.cache/bin/` in the package root. */
  readonly packageRoot?: string;
  /** The PATH to search last. */
  readonly searchPath: string | undefined;
  readonly isExecutable?: (path: string) => boolean;
};
export type KustomizeLookup = ProgramLookup;

export type FoundProgram = {
  /** The program, or undefined when none was found. */
  readonly path: string | undefined;
  /** Where it was looked for, in order. */
  readonly lookedFor: string;
};
export type FoundKustomize = FoundProgram;

/** Finds `name`; a flag (`--NAME`) that names no executable is an error. */
export function findPinnedProgram(name: string, lookup: ProgramLookup): FoundProgram {
  const isExecutable = lookup.isExecutable ?? isExecutableFile;
  if (lookup.flag !== undefined) {
    const path = resolve(lookup.flag);
    if (!isExecutable(path)) throw new CliError(`--${name} ${lookup.flag}: no executable there`);
    return { path, lookedFor: `--${name} ${lookup.flag}` };
  }
  const pinned = join(lookup.packageRoot ?? PACKAGE_ROOT, '.cache', 'bin', name);
  const lookedFor = `${pinned} (linked by scripts/setup.sh) and ${name} on PATH`;
  if (isExecutable(pinned)) return { path: pinned, lookedFor };
  for (const dir of (lookup.searchPath ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return { path: candidate, lookedFor };
  }
  return { path: undefined, lookedFor };
}

/** Finds kustomize; a `--kustomize` flag that names no executable is an error. */
export function findKustomize(lookup: KustomizeLookup): FoundKustomize {
  return findPinnedProgram('kustomize', lookup);
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
