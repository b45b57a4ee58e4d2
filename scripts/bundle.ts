// Builds the CLI's pre-built bundle: src/cli/main.ts and everything it imports (Moor's own modules
// and its npm packages), type-stripped into a few ES modules under .cache/bundle/, which `bin/moor`
// runs while no file under src/ (nor the lockfile) is newer. Loading ~500 TypeScript modules and
// ~900 package files one by one was most of the operator's start-up; one split bundle loads in a
// fraction of it (docs/adr/0034). The dynamic imports stay lazy: each becomes a chunk of its own.
//
// The bundle must sit two directories below the checkout (like src/cli/): the modules find
// package.json, ui/dist and .cache/bin relative to their own URL. `--outdir DIR` (for tests) must
// keep that depth.
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
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
  // Built beside, then moved in: a `bin/moor` starting meanwhile sees the old or the new one.
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
  await moveIn(building, outdir);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Moves the new build's files into `outdir`, `main.js` last. Chunk names carry a hash of their
 * content, so a process that started on the previous build still finds its chunks; those older
 * than a day that the new build does not have are removed.
 */
async function moveIn(building: string, outdir: string): Promise<void> {
  await mkdir(outdir, { recursive: true });
  const fresh = new Set(await readdir(building));
  for (const name of [...fresh].filter((n) => n !== 'main.js'))
    await rename(join(building, name), join(outdir, name));
  await rename(join(building, 'main.js'), join(outdir, 'main.js'));
  await rm(building, { recursive: true, force: true });
  for (const name of await readdir(outdir)) {
    if (fresh.has(name)) continue;
    const { mtimeMs } = await stat(join(outdir, name));
    if (Date.now() - mtimeMs > DAY_MS) await rm(join(outdir, name), { force: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
  await buildBundle(resolve(values.outdir ?? resolve(root, '.cache', 'bundle')));
}
