import assert from 'node:assert/strict';
import { test } from 'node:test';

import { findKustomize } from './kustomize-program.ts';

const root = '/opt/moor';
const pinned = '/opt/moor/.cache/bin/kustomize';
const lookedFor = `${pinned} (linked by scripts/setup.sh) and kustomize on PATH`;

const cases: {
  name: string;
  flag?: string;
  searchPath?: string;
  executables: string[];
  want: { path: string | undefined; lookedFor: string };
}[] = [
  {
    name: 'the --kustomize flag wins over everything',
    flag: '/usr/local/bin/kustomize',
    searchPath: '/usr/bin',
    executables: ['/usr/local/bin/kustomize', pinned, '/usr/bin/kustomize'],
    want: { path: '/usr/local/bin/kustomize', lookedFor: '--kustomize /usr/local/bin/kustomize' },
  },
  {
    name: "the set-up's pinned build in the checkout comes before PATH",
    searchPath: '/usr/bin:/bin',
    executables: [pinned, '/usr/bin/kustomize'],
    want: { path: pinned, lookedFor },
  },
  {
    name: 'kustomize on PATH, first match, relative entries skipped',
    searchPath: 'bin::/usr/local/bin:/usr/bin',
    executables: ['bin/kustomize', '/usr/bin/kustomize'],
    want: { path: '/usr/bin/kustomize', lookedFor },
  },
  {
    name: 'none: says where it looked',
    searchPath: '/usr/bin',
    executables: [],
    want: { path: undefined, lookedFor },
  },
  {
    name: 'none and no PATH',
    executables: [],
    want: { path: undefined, lookedFor },
  },
];
for (const c of cases) {
  test(`findKustomize: ${c.name}`, () => {
    const found = findKustomize({
      flag: c.flag,
      packageRoot: root,
      searchPath: c.searchPath,
      isExecutable: (p) => c.executables.includes(p),
    });
    assert.deepEqual(found, c.want);
  });
}

test('findKustomize: a --kustomize flag naming no executable is an error', () => {
  assert.throws(
    () =>
      findKustomize({
        flag: '/nope/kustomize',
        packageRoot: root,
        searchPath: '/usr/bin',
        isExecutable: () => false,
      }),
    { code: 'CliError', message: '--kustomize /nope/kustomize: no executable there' },
  );
});

test('findKustomize finds the pinned build the set-up linked into this checkout', (t) => {
  const found = findKustomize({ searchPath: '' });
  if (!found.path) {
    t.skip(`run bash scripts/setup.sh first (looked for ${found.lookedFor})`);
    return;
  }
  assert.match(found.path, /\/\.cache\/bin\/kustomize$/);
});
