// The lint rules that hold the architecture do fire: a tree of small files that break them,
// linted with the project's own configuration (type-aware rules off: these files are no project).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const CONFIG = resolve(import.meta.dirname, '..', '..', 'eslint.config.js');

const FILES: Record<string, string> = {
  'src/core/a.ts': "import { b } from './b.ts';\nexport const a = (): number => b() + 1;\n",
  'src/core/b.ts': "import { a } from './a.ts';\nexport const b = (): number => a();\n",
  'src/health/reads-kube.ts': "export { createKubeClient } from '../kube/index.ts';\n",
  'src/source/uses-client-node.ts': "export { KubeConfig } from '@kubernetes/client-node';\n",
  'src/server/runs-programs.ts': "export { execFile } from 'node:child_process';\n",
  'src/git/runs-git.ts': "export { execFile } from 'node:child_process';\n",
  'src/controller/reads-time.ts':
    'export const t = (): number => Date.now() + performance.now();\n',
  'src/controller/reads-env.ts':
    'export const home = (): string | undefined => process.env.HOME;\n',
  'src/cli/reads-env.ts': 'export const home = (): string | undefined => process.env.HOME;\n',
  'src/core/clock.ts': 'export const now = (): number => Date.now();\n',
  'src/image/reads-kube.ts': "export { createKubeClient } from '../kube/index.ts';\n",
  'src/image/uses-git.ts': "export { createGitClient } from '../git/index.ts';\n",
  'src/plan/long.ts': `export function long(): number {\n  let n = 0;\n${'  n++;\n'.repeat(80)}  return n;\n}\n`,
};

async function lintTree(): Promise<Map<string, string[]>> {
  const dir = await mkdtemp(join(tmpdir(), 'moor-lint-'));
  try {
    for (const [path, text] of Object.entries(FILES)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const eslint = new ESLint({
      cwd: dir,
      overrideConfigFile: CONFIG,
      overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
    });
    const results = await eslint.lintFiles(Object.keys(FILES));
    return new Map(
      results.map((r) => [
        r.filePath.slice(dir.length + 1),
        r.messages.map((m) => m.ruleId ?? m.message),
      ]),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void test('lint refuses a cycle, a crossed part fence, client-node and child_process outside their parts, a long function, time and environment read outside the clock and the CLI', async () => {
  const rules = await lintTree();
  assert.ok(rules.get('src/core/a.ts')?.includes('import-x/no-cycle'), 'cycle a → b → a');
  assert.ok(rules.get('src/core/b.ts')?.includes('import-x/no-cycle'), 'cycle b → a → b');
  assert.deepEqual(rules.get('src/health/reads-kube.ts'), ['no-restricted-imports']);
  assert.deepEqual(rules.get('src/source/uses-client-node.ts'), ['no-restricted-imports']);
  assert.deepEqual(rules.get('src/server/runs-programs.ts'), ['no-restricted-imports']);
  assert.deepEqual(rules.get('src/git/runs-git.ts'), [], 'git/ may run programs');
  assert.deepEqual(rules.get('src/plan/long.ts'), ['max-lines-per-function']);
  assert.deepEqual(
    rules.get('src/controller/reads-time.ts'),
    ['no-restricted-properties', 'no-restricted-properties'],
    'Date.now and performance.now outside the clock',
  );
  assert.deepEqual(rules.get('src/controller/reads-env.ts'), ['no-restricted-properties']);
  assert.deepEqual(rules.get('src/cli/reads-env.ts'), [], 'the CLI reads the environment');
  assert.deepEqual(rules.get('src/core/clock.ts'), [], 'the clock reads the time');
  assert.deepEqual(rules.get('src/image/reads-kube.ts'), ['no-restricted-imports']);
  assert.deepEqual(rules.get('src/image/uses-git.ts'), [], 'image/ commits through git/');
});
