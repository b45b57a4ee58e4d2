// Type-aware lint for the whole project. Part boundaries (DESIGN.md "Architecture") are enforced
// with import restrictions: each part imports only the parts on its allow-list, and only through
// their index.ts; pure parts import no I/O modules; `@kubernetes/*` is imported only in kube/ and
// programs are run only by git/ and the external renderers' adapter; imports form no cycle.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const pureParts = ['core', 'plan', 'health', 'render', 'drift'];
// Files of a pure part that do I/O on purpose (reading an artifact tree, copying it into the
// private root a kustomization is built in, following its references, running kustomize).
const pureExceptions = [
  'src/render/load.ts',
  'src/render/kustomize.ts',
  'src/render/kustomize-root.ts',
  'src/render/kustomize-graph.ts',
  'src/render/helm.ts',
  'src/render/helm-chart.ts',
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
  'image',
];
const siblingInternals = {
  regex: `^(\\.\\./)+(${allParts.join('|')})/(?!index\\.ts$)`,
  message: 'Import another part through its index.ts only.',
};

// Which parts each part may import. Data flows source → render → plan → apply → observe →
// report; pure parts see only core; the controller is the composition root; the CLI is thin.
const mayImport = {
  core: [],
  api: ['core'],
  plan: ['core'],
  health: ['core'],
  drift: ['core'],
  render: ['core'],
  kube: ['core'],
  git: ['core'],
  source: ['core', 'api', 'git'],
  apply: ['core', 'plan', 'health', 'drift', 'kube'],
  notify: ['core', 'api', 'git'],
  server: ['core', 'api'],
  controller: allParts.filter((p) => p !== 'controller' && p !== 'cli'),
  cli: ['core', 'api', 'controller', 'kube', 'git', 'render'],
  image: ['core', 'api', 'git'],
};

function partFence(part) {
  const allowed = mayImport[part];
  const denied = allParts.filter((p) => p !== part && !allowed.includes(p));
  return {
    regex: `^(\\.\\./)+(${denied.join('|')})(/|$)`,
    message: `src/${part} may import ${allowed.length ? allowed.join(', ') : 'no other part'} (DESIGN.md "Architecture").`,
  };
}

const kubeModules = {
  group: ['@kubernetes/*'],
  message:
    'Only src/kube imports @kubernetes/*: the rest talks to the API server through its KubeClient.',
};
const childProcess = {
  group: ['node:child_process', 'child_process'],
  message:
    "Programs run only in src/git, src/render/kustomize.ts and src/render/helm.ts (the external renderers' adapters).",
};
const ioModules = (part) => ({
  group: ['node:fs*', 'node:child_process', 'node:net', 'node:http*', '@kubernetes/*'],
  message: `src/${part} is pure: no I/O modules.`,
});
const moduleFences = (part) => [
  ...(part === 'kube' ? [] : [kubeModules]),
  ...(part === 'git' ? [] : [childProcess]),
];
const testFiles = ['src/**/*.test.ts', 'src/**/test-helpers.ts', 'src/**/test-cases.ts'];
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const clockMessage = 'read the time through the injected Clock (core/clock.ts)';
const clockReads = [
  { object: 'Date', property: 'now', message: clockMessage },
  { object: 'performance', property: 'now', message: clockMessage },
];
const environmentRead = {
  object: 'process',
  property: 'env',
  message: 'the environment is read once, by the CLI, and passed in as an option',
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
  // Sizes: small functions and files in src/ (tests may take longer steps).
  {
    files: ['src/**/*.ts'],
    ignores: testFiles,
    rules: {
      complexity: ['error', 15],
      'max-lines': ['error', { max: 400 }],
      'max-lines-per-function': ['error', { max: 80 }],
    },
  },
  // Time is read through the injected clock (core/clock.ts), and the environment once, by the CLI.
  {
    files: ['src/**/*.ts'],
    ignores: [...testFiles, 'src/core/clock.ts', 'src/cli/**'],
    rules: { 'no-restricted-properties': ['error', ...clockReads, environmentRead] },
  },
  {
    files: ['src/cli/**/*.ts'],
    ignores: testFiles,
    rules: { 'no-restricted-properties': ['error', ...clockReads] },
  },
  // Each part: its allow-list, other parts only through index.ts, the module fences.
  ...allParts.map((part) => ({
    files: [`src/${part}/**/*.ts`],
    ignores: testFiles,
    rules: restrict([
      siblingInternals,
      partFence(part),
      ...(pureParts.includes(part) ? [ioModules(part)] : moduleFences(part)),
    ]),
  })),
  // Files of a pure part that do I/O on purpose; kustomize.ts runs the external renderer.
  {
    files: pureExceptions,
    rules: restrict([siblingInternals, partFence('render'), kubeModules, childProcess]),
  },
  {
    files: ['src/render/kustomize.ts', 'src/render/helm.ts'],
    rules: restrict([siblingInternals, partFence('render'), kubeModules]),
  },
  // Tests keep the @kubernetes/* fence; they may run programs (kubectl as an independent witness).
  ...allParts
    .filter((part) => part !== 'kube')
    .map((part) => ({
      files: testFiles.map((glob) => glob.replace('src/**/', `src/${part}/**/`)),
      rules: restrict([kubeModules]),
    })),
  // The CRD test checks the generated CRDs through independent clients (kubectl, client-node).
  { files: ['src/api/crd.test.ts'], rules: { 'no-restricted-imports': 'off' } },
  // No import cycles, among src/ files and the tests and tools that import them.
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
