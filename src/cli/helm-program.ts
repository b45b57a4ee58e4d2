// Where `moor operator` finds the helm program: as kustomize (kustomize-program.ts), by `--helm`,
// then the set-up's `.cache/bin/helm`, then `helm` on PATH.
import { findPinnedProgram, type FoundProgram, type ProgramLookup } from './kustomize-program.ts';

export type HelmLookup = ProgramLookup;
export type FoundHelm = FoundProgram;

/** Finds helm; a `--helm` flag that names no executable is an error. */
export function findHelm(lookup: HelmLookup): FoundHelm {
  return findPinnedProgram('helm', lookup);
}
