import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterTagsOf, fleetStatusOf, renderFleetTable } from './fleet-view.ts';

const sha = (c: string): string => c.repeat(40);

void test('writeback tags: cluster (with slashes), namespace and Sync; anything else is ignored', () => {
  const cases: { name: string; ok?: [string, string, string] }[] = [
    { name: 'refs/tags/moor/east/apps/web', ok: ['east', 'apps', 'web'] },
    { name: 'refs/tags/moor/eu/prod-1/apps/web.v2', ok: ['eu/prod-1', 'apps', 'web.v2'] },
    { name: 'refs/tags/moor/apps/web' },
    { name: 'refs/tags/moor/east/Apps/web' },
    { name: 'refs/tags/moor/east/apps/' },
    { name: 'refs/tags/moor/ea\u001b[31mst/apps/web' },
    { name: 'refs/tags/moor/-x/apps/web' },
  ];
  const refs = [
    ...cases.map((c) => ({ name: c.name, sha: sha('a') })),
    { name: 'refs/tags/moor/west/apps/web', sha: 'not-a-sha' },
    { name: 'refs/heads/main', sha: sha('b') },
    { name: 'refs/tags/v1.0.0', sha: sha('c') },
  ];
  const { tags, ignored } = clusterTagsOf(refs);
  const expected = cases.filter((c) => c.ok).map((c) => c.ok);
  assert.deepEqual(
    tags.map((t) => [t.cluster, t.namespace, t.sync]),
    expected,
  );
  assert.equal(ignored, cases.length - expected.length + 1);
});

void test('rows: behind with since, current, diverged and unknown, sorted by cluster', () => {
  const refs = ['d', 'c', 'b', 'a'].map((c, i) => ({
    name: `refs/tags/moor/c${4 - i}/apps/web`,
    sha: sha(c),
  }));
  const tags = clusterTagsOf(refs);
  const commits = new Map([
    [sha('a'), { state: 'behind' as const, behind: 0 }],
    [sha('b'), { state: 'behind' as const, behind: 3, since: '2026-01-01T10:00:00Z' }],
    [sha('c'), { state: 'diverged' as const }],
  ]);
  const head = { sha: sha('a'), time: '2026-01-01T11:00:00Z' };
  const status = fleetStatusOf({ url: 'https://git.example/r', branch: 'main', depth: 50 }, tags, {
    head,
    commits,
  });
  assert.deepEqual(
    status.syncs.map((r) => [r.cluster, r.state, r.behind, r.behindSince]),
    [
      ['c1', 'current', 0, undefined],
      ['c2', 'behind', 3, '2026-01-01T10:00:00Z'],
      ['c3', 'diverged', undefined, undefined],
      ['c4', 'unknown', undefined, undefined],
    ],
  );
  const table = renderFleetTable(status, new Date('2026-01-01T12:00:00Z'));
  assert.deepEqual(table.split('\n'), [
    'CLUSTER   SYNC       REVISION       BEHIND               SINCE',
    'c1        apps/web   aaaaaaaaaaaa   up to date           -',
    'c2        apps/web   bbbbbbbbbbbb   3 commits            120m',
    'c3        apps/web   cccccccccccc   not on the branch    -',
    'c4        apps/web   dddddddddddd   not in the last 50   -',
    'main is at aaaaaaaaaaaa (60m ago)',
    '',
  ]);
});

void test('no tags: the table says where it looked', () => {
  const status = fleetStatusOf(
    { url: 'file:///r', branch: 'main', depth: 10 },
    { tags: [], ignored: 0 },
    { head: { sha: sha('a'), time: '2026-01-01T11:00:00Z' }, commits: new Map() },
  );
  assert.match(
    renderFleetTable(status, new Date('2026-01-01T11:00:30Z')),
    /^no writeback tags .* in file:\/\/\/r\n/,
  );
});
