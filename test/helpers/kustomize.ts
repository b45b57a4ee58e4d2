// The kustomize program tests build with: the one `moor operator` would find (the set-up's pinned
// build in .cache/bin, then PATH), or a reason to skip.
import { findKustomize } from '../../src/cli/kustomize-program.ts';

export function testKustomize(): { kustomize?: string; skip?: string } {
  const found = findKustomize({ searchPath: process.env.PATH });
  return found.path
    ? { kustomize: found.path }
    : { skip: `needs kustomize: run bash scripts/setup.sh (looked for ${found.lookedFor})` };
}
