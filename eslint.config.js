// Type-aware lint for the whole project. Part boundaries (DESIGN.md "Architecture") are enforced
// with import restrictions: pure parts import no I/O modules, and nobody reaches into another
// part's files except through its index.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioParts = ['kube', 'git', 'notify', 'server', 'controller', 'cli', 'source', 'apply'];
const pureParts = ['core', 'plan', 'health', 'render', 'drift'];
// Files of a pure part that do I/O on purpose (reading an artifact tree, copying it into the
// private root a kustomization is built in, following its references, running kustomize).
const pureExceptions = [
  'src/render/load.ts',
  'src/render/kustomize.ts',
  'src/render/kustomize-root.ts',
  'src/render/kustomize-graph.ts',
];

const allParts = [
  'core',
  'api',
  'source',
  'render',
  'plan',
  'apply',
  'health',
  'drift',
  'notify',
  'controller',
  'kube',
  'git',
  'server',
  'cli',
];
const siblingInternals = {
  regex: `^(\\.\\./)+(${allParts.join('|')})/(?!index\\.ts$)`,
  message: 'Import another part through its index.ts only.',
};

// eslint-disable-next-line no-restricted-syntax -- ESLint loads its configuration from the default export.
export default tseslint.config(
  { ignores: ['node_modules/**', '.cache/**', 'ui/dist/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      complexity: ['error', 25],
      'max-params': ['error', 5],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use an `as const` object with a union type.' },
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [siblingInternals] }],
    },
  },
  // Git credentials and URL checks live in git/: notify/ (the gittag provider) needs no source/.
  {
    files: ['src/notify/**/*.ts'],
    ignores: ['src/notify/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            siblingInternals,
            {
              group: ['../source', '../source/*'],
              message: 'notify/ reaches Git through git/index.ts, not through source/.',
            },
          ],
        },
      ],
    },
  },
  ...pureParts.map((part) => ({
    files: [`src/${part}/**/*.ts`],
    ignores: [`src/${part}/**/*.test.ts`, ...pureExceptions],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            siblingInternals,
            {
              group: ioParts.map((p) => `../${p}/*`).concat(ioParts.map((p) => `../${p}`)),
              message: `src/${part} is pure: pass I/O in through interfaces.`,
            },
            {
              group: ['node:fs*', 'node:child_process', 'node:net', 'node:http*', '@kubernetes/*'],
              message: `src/${part} is pure: no I/O modules.`,
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
