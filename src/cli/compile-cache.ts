// Where Node keeps the compiled code of the CLI's modules between runs (`module.enableCompileCache`):
// outside the work tree, next to Moor's other caches. `MOOR_COMPILE_CACHE` overrides it.
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function compileCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.MOOR_COMPILE_CACHE) return env.MOOR_COMPILE_CACHE;
  const base = env.XDG_CACHE_HOME ?? (env.HOME ? join(env.HOME, '.cache') : undefined);
  return base
    ? join(base, 'moor', 'node-compile-cache')
    : join(tmpdir(), 'moor-node-compile-cache');
}
