// Entry point of `bin/moor`. Turns on Node's compile cache before anything else is loaded (static
// imports would be evaluated first, so the program itself is imported dynamically), then runs the
// CLI with the real context: process streams, clock, signals, cluster.
import { enableCompileCache } from 'node:module';
import { compileCacheDir } from './compile-cache.ts';

enableCompileCache(compileCacheDir(process.env));
const { startCli } = await import('./start.ts');
process.exitCode = await startCli(process.argv.slice(2));
