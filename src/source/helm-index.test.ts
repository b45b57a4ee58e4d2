import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHelmIndex, pickChartVersion } from './helm-index.ts';

const index = `apiVersion: v1
entries:
  web:
    - {version: 1.0.0, urls: [web-1.0.0.tgz], digest: abc}
    - {version: 1.10.0, urls: [web-1.10.0.tgz]}
    - {version: 1.2.0, urls: [https://charts.example/web-1.2.0.tgz]}
    - {version: 2.0.0-rc.1, urls: [web-2.0.0-rc.1.tgz]}
    - {version: not-semver, urls: [x.tgz]}
  db: []
`;

test('pickChartVersion: the highest version in the range; no match lists the versions found', () => {
  const parsed = parseHelmIndex(index);
  assert.ok(parsed.ok);
  const cases: [string, string | undefined, string][] = [
    ['web', undefined, 'ok 1.10.0'],
    ['web', '~1.2.0', 'ok 1.2.0'],
    ['web', '>=1.0.0 <1.2.0', 'ok 1.0.0'],
    ['web', '1.x', 'ok 1.10.0'],
    [
      'web',
      '>=2',
      'chart web: no version matches >=2; versions found: 2.0.0-rc.1, 1.10.0, 1.2.0, 1.0.0',
    ],
    ['db', '*', 'chart db is not in the repository'],
    ['nope', '*', 'chart nope is not in the repository'],
  ];
  for (const [chart, range, want] of cases) {
    const picked = pickChartVersion(parsed.value, chart, range);
    assert.equal(
      picked.ok ? `ok ${picked.value.version}` : picked.error,
      want,
      `${chart} ${range}`,
    );
  }
});

test('parseHelmIndex refuses what is no index', () => {
  assert.deepEqual(parseHelmIndex('apiVersion: v1\n'), {
    ok: false,
    error: 'index.yaml has no entries',
  });
  const bad = parseHelmIndex('entries: [\n');
  assert.equal(bad.ok, false);
});
