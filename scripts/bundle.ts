// Builds the CLI's pre-built bundle: src/cli/main.ts and everything it imports (Moor's own modules
// and its npm packages), type-stripped into a few ES modules under .cache/bundle/, which `bin/moor`
// runs while no file under src/ (nor the lockfile) is newer. Loading ~500 TypeScript modules and
// ~900 package files one by one was most of the operator's start-up; one split bundle loads in a
// fraction of it (docs/adr/0034). The dynamic imports stay lazy: each becomes a chunk of its own.
//
// The bundle must sit two directories below the checkout (like src/cli/): the modules find
// package.json, ui/dist and .cache/bin relative to their own URL. `--outdir DIR` (for tests) must
// keep that depth.
import { rename, rm } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');

// CommonJS packages call require(); an ES module has none of its own.
const REQUIRE_BANNER =
  "import { createRequire as moorCreateRequire } from 'node:module'; const require = moorCreateRequire(import.meta.url);";

export async function buildBundle(outdir: string): Promise<void> {
  const depth = relative(root, outdir).split(sep).length;
  if (depth !== 2 || relative(root, outdir).startsWith('..'))
    throw new Error(`bundle: ${outdir}: must be two directories below ${root} (like src/cli)`);
  // Built beside, then moved in place: a `bin/moor` starting meanwhile sees the old or the new one.
  const building = `${outdir}.building`;
  await rm(building, { recursive: true, force: true });
  await build({
    entryPoints: [resolve(root, 'src/cli/main.ts')],
    outdir: building,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    banner: { js: REQUIRE_BANNER },
    legalComments: 'none',
    logLevel: 'warning',
  });
  await rm(outdir, { recursive: true, force: true });
  await rename(building, outdir);
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
  await buildBundle(resolve(values.outdir ?? resolve(root, '.cache', 'bundle')));
}
