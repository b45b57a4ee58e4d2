// Setter markers: only the marked values change, everything else on the line and in the file stays.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rewriteSetters, type PolicyLookup } from './setters.ts';

const lookup: PolicyLookup = (namespace, name) =>
  namespace === 'apps' && name === 'web'
    ? { name: '127.0.0.1:5000/web', tag: '1.2.0' }
    : namespace === 'apps' && name === 'pinned'
      ? { name: 'reg.local/pinned', tag: '2.0.0', digest: 'sha256:abc' }
      : undefined;

const cases: [what: string, input: string, output: string][] = [
  [
    'full image reference',
    '      image: 127.0.0.1:5000/web:1.1.0 # {"$imagepolicy": "apps:web"}',
    '      image: 127.0.0.1:5000/web:1.2.0 # {"$imagepolicy": "apps:web"}',
  ],
  [
    'list item and quotes kept',
    '  - "127.0.0.1:5000/web:1.0.0"   # {"$imagepolicy": "apps:web"}',
    '  - "127.0.0.1:5000/web:1.2.0"   # {"$imagepolicy": "apps:web"}',
  ],
  [
    'the :tag form',
    '    newTag: \'1.1.0\' # {"$imagepolicy": "apps:web:tag"}',
    '    newTag: \'1.2.0\' # {"$imagepolicy": "apps:web:tag"}',
  ],
  [
    'the :name form',
    '    newName: old/web # {"$imagepolicy": "apps:web:name"}',
    '    newName: 127.0.0.1:5000/web # {"$imagepolicy": "apps:web:name"}',
  ],
  [
    'digest reflection pins the reference',
    'image: reg.local/pinned:1.0.0 # {"$imagepolicy": "apps:pinned"}',
    'image: reg.local/pinned:2.0.0@sha256:abc # {"$imagepolicy": "apps:pinned"}',
  ],
  [
    'an unknown policy leaves the value',
    'image: x:1 # {"$imagepolicy": "apps:nope"}',
    'image: x:1 # {"$imagepolicy": "apps:nope"}',
  ],
  [
    'an unmarked line is left',
    'image: 127.0.0.1:5000/web:1.0.0 # pinned by hand',
    'image: 127.0.0.1:5000/web:1.0.0 # pinned by hand',
  ],
];

for (const [what, input, output] of cases) {
  test(`setter — ${what}`, () => {
    const file = `# top comment\nkind: Deployment\n${input}\nother: value # kept\n`;
    const got = rewriteSetters(file, 'deploy.yaml', lookup);
    assert.equal(got.text, `# top comment\nkind: Deployment\n${output}\nother: value # kept\n`);
    assert.deepEqual(got.problems, []);
    assert.equal(got.changes.length, input === output ? 0 : 1);
    if (input !== output) assert.equal(got.changes[0]?.line, 3);
  });
}

const malformed: [what: string, line: string, message: RegExp][] = [
  ['not JSON', 'image: x:1 # {"$imagepolicy": apps:web}', /not JSON/],
  ['no namespace', 'image: x:1 # {"$imagepolicy": "web"}', /NAMESPACE:NAME/],
  ['no value before it', '# {"$imagepolicy": "apps:web"}', /follows no value/],
  ['unknown field', 'image: x:1 # {"$imagepolicy": "apps:web:version"}', /NAMESPACE:NAME/],
];

for (const [what, line, message] of malformed) {
  test(`a malformed marker (${what}) is reported with its line and the file is left alone`, () => {
    const file = `a: 1\nimage: 127.0.0.1:5000/web:1.0.0 # {"$imagepolicy": "apps:web"}\n${line}\n`;
    const got = rewriteSetters(file, 'deploy/app.yaml', lookup);
    assert.equal(got.text, file);
    assert.deepEqual(got.changes, []);
    assert.equal(got.problems.length, 1);
    assert.equal(got.problems[0]?.file, 'deploy/app.yaml');
    assert.equal(got.problems[0]?.line, 3);
    assert.match(got.problems[0]?.message ?? '', message);
  });
}

test('CRLF line endings are kept', () => {
  const file = 'a: 1\r\nimage: x/web:1 # {"$imagepolicy": "apps:web"}\r\n';
  const got = rewriteSetters(file, 'f.yaml', lookup);
  assert.equal(
    got.text,
    'a: 1\r\nimage: 127.0.0.1:5000/web:1.2.0 # {"$imagepolicy": "apps:web"}\r\n',
  );
});
