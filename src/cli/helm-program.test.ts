import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findHelm } from './helm-program.ts';

const root = '/opt/moor';
const pinned = '/opt/moor/.cache/bin/helm';
const lookedFor = `${pinned} (linked by scripts/setup.sh) and helm on PATH`;

test('findHelm: the flag, then the pinned build, then PATH; says where it looked', () => {
  const cases: [string | undefined, string, string[], string | undefined, string][] = [
    ['/x/helm', '/usr/bin', ['/x/helm', pinned], '/x/helm', '--helm /x/helm'],
    [undefined, '/usr/bin', [pinned, '/usr/bin/helm'], pinned, lookedFor],
    [undefined, 'bin:/usr/bin', ['bin/helm', '/usr/bin/helm'], '/usr/bin/helm', lookedFor],
    [undefined, '/usr/bin', [], undefined, lookedFor],
  ];
  for (const [flag, searchPath, executables, path, where] of cases) {
    const found = findHelm({
      flag,
      searchPath,
      packageRoot: root,
      isExecutable: (p) => executables.includes(p),
    });
    assert.deepEqual(found, { path, lookedFor: where });
  }
  assert.throws(
    () => findHelm({ flag: '/nope', searchPath: '', isExecutable: () => false }),
    /--helm \/nope: no executable there/,
  );
});

test('findHelm finds the pinned build the set-up linked into this checkout', () => {
  assert.match(findHelm({ searchPath: '' }).path ?? '', /\.cache\/bin\/helm$/);
});
