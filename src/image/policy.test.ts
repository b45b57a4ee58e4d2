// The latest tag by each policy, over tables of tags.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FilterTags, ImagePolicyChoice } from '../api/index.ts';
import { selectLatestTag } from './policy.ts';

const semverOf = (range: string, prereleases = false): ImagePolicyChoice => ({
  semver: { range, prereleases },
});

const cases: [
  what: string,
  tags: string[],
  policy: ImagePolicyChoice,
  filter: FilterTags | undefined,
  latest: string | undefined,
][] = [
  [
    'semver: the highest in range',
    ['1.0.0', '1.2.0', '1.10.0', '2.0.0'],
    semverOf('1.x'),
    undefined,
    '1.10.0',
  ],
  [
    'semver: a prerelease is excluded by default',
    ['1.2.0', '1.3.0-rc.1'],
    semverOf('>=1.0.0'),
    undefined,
    '1.2.0',
  ],
  [
    'semver: prereleases opted in',
    ['1.2.0', '1.3.0-rc.1'],
    semverOf('>=1.0.0', true),
    undefined,
    '1.3.0-rc.1',
  ],
  [
    'semver: v prefix and non-versions',
    ['latest', 'v1.4.0', 'main', '1.3.9'],
    semverOf('^1'),
    undefined,
    'v1.4.0',
  ],
  ['semver: nothing in range', ['0.9.0', '3.0.0'], semverOf('1.x'), undefined, undefined],
  ['alphabetical asc', ['a', 'c', 'b'], { alphabetical: { order: 'asc' } }, undefined, 'c'],
  ['alphabetical desc', ['a', 'c', 'b'], { alphabetical: { order: 'desc' } }, undefined, 'a'],
  [
    'numerical asc, not text order',
    ['9', '10', '100', 'x'],
    { numerical: { order: 'asc' } },
    undefined,
    '100',
  ],
  ['numerical desc', ['9', '10', '100'], { numerical: { order: 'desc' } }, undefined, '9'],
  [
    'filterTags: the newest timestamp of main builds',
    [
      'main-abc123-1700000005',
      'main-fff000-1700000100',
      'main-000aaa-1699999999',
      'dev-zzz-1800000000',
      '1.0.0',
    ],
    { numerical: { order: 'asc' } },
    { pattern: '^main-[a-f0-9]+-(?<ts>\\d+)$', extract: '$ts' },
    'main-fff000-1700000100',
  ],
  [
    'filterTags: ${name} and semver over the extracted part',
    ['app-1.2.0', 'app-1.10.0', 'other-9.0.0'],
    semverOf('1.x'),
    { pattern: '^app-(?<v>.*)$', extract: '${v}' },
    'app-1.10.0',
  ],
  [
    'filterTags without extract keeps the tag',
    ['rc-2', 'rc-10', 'x-99'],
    { alphabetical: { order: 'asc' } },
    { pattern: '^rc-' },
    'rc-2',
  ],
];

for (const [what, tags, policy, filter, latest] of cases) {
  test(`latest tag — ${what}`, () => {
    const got = selectLatestTag(tags, policy, filter);
    if (latest === undefined) assert.equal(got.ok, false);
    else assert.deepEqual(got, { ok: true, value: latest });
  });
}

test('no candidate: the error says how many tags there were and what was asked', () => {
  const got = selectLatestTag(['a', 'b'], semverOf('1.x'));
  assert.equal(got.ok, false);
  if (!got.ok) assert.match(got.error, /none of 2 tags is in semver range 1\.x/);
});
