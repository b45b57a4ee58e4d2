// The CLI's pre-built bundle (scripts/bundle.ts) and how `bin/moor` chooses between it and the
// sources: built into a scratch folder at the bundle's depth, run as a child process.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { buildBundle } from '../../scripts/bundle.ts';

const root = resolve(import.meta.dirname, '..', '..');
const node = join(root, 'node_modules', '.bin', 'node');
const scratch = join(root, '.cache', `bundle-test-${process.pid}`);
const probe = join(root, '.cache', `bundle-test-${process.pid}.cjs`);
after(() =>
  Promise.all([rm(scratch, { recursive: true, force: true }), rm(probe, { force: true })]),
);

type Run = { readonly code: number; readonly stdout: string; readonly stderr: string };

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', LC_ALL: 'C' };
  return new Promise((done) => {
    execFile(file, args, { env: { ...base, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

async function newestUnder(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

test('the bundle runs the CLI: its version, and a lazily loaded command (operator --help)', async () => {
  await buildBundle(scratch);
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  const version = await run(node, [join(scratch, 'main.js'), '--version']);
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout.trim(), pkg.version);
  const help = await run(node, [join(scratch, 'main.js'), 'operator', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /--http-addr/);
  const files = await readdir(scratch);
  assert.ok(files.length > 2, `the lazy imports are chunks of their own: ${files.join(', ')}`);
});

test('a rebuild keeps the chunks of the previous build for processes started on it, for a day', async () => {
  await buildBundle(scratch);
  const recent = join(scratch, 'chunk-PREVIOUS.js');
  const old = join(scratch, 'chunk-ANCIENT.js');
  await writeFile(recent, 'export {};\n');
  await writeFile(old, 'export {};\n');
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
  await utimes(old, twoDaysAgo, twoDaysAgo);
  await buildBundle(scratch);
  const files = await readdir(scratch);
  assert.ok(files.includes('chunk-PREVIOUS.js'), files.join(', '));
  assert.ok(!files.includes('chunk-ANCIENT.js'), files.join(', '));
  assert.ok(files.includes('main.js'));
  const version = await run(node, [join(scratch, 'main.js'), '--version']);
  assert.equal(version.code, 0, version.stderr);
});

test('the bundle is refused anywhere but two folders below the checkout, naming the folder', async () => {
  for (const dir of [join(root, '.cache'), join(root, '.cache', 'a', 'b'), '/tmp/bundle']) {
    await assert.rejects(buildBundle(dir), (error: Error) => {
      assert.match(error.message, new RegExp(`^bundle: ${dir}: must be two directories below`));
      return true;
    });
  }
});

test('bin/moor runs the set-up bundle only while no source is newer, and the sources with MOOR_FROM_SOURCE=1', async () => {
  // Prints the program Node was asked to run, before it runs.
  await writeFile(probe, 'process.stderr.write(`entry=${process.argv[1]}\\n`);\n');
  const env = { NODE_OPTIONS: `--require ${probe}` };
  const entryOf = (r: Run) => /entry=(.*)/.exec(r.stderr)?.[1];
  const fromSource = await run(join(root, 'bin', 'moor'), ['--version'], {
    ...env,
    MOOR_FROM_SOURCE: '1',
  });
  assert.equal(fromSource.code, 0, fromSource.stderr);
  assert.equal(entryOf(fromSource), join(root, 'src', 'cli', 'main.ts'));

  const bundle = join(root, '.cache', 'bundle', 'main.js');
  const built = await stat(bundle).then(
    (s) => s.mtimeMs,
    () => undefined,
  );
  const newest = Math.max(
    await newestUnder(join(root, 'src')),
    (await stat(join(root, 'package-lock.json'))).mtimeMs,
  );
  const sources = join(root, 'src', 'cli', 'main.ts');
  const expected = built !== undefined && newest <= built ? bundle : sources;
  const chosen = await run(join(root, 'bin', 'moor'), ['--version'], env);
  assert.equal(chosen.code, 0, chosen.stderr);
  assert.equal(entryOf(chosen), expected);
});
