import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterLogLines, parseResourceFilter } from './logs.ts';

const log = [
  '{"level":30,"time":0,"pid":1,"component":"moor","msg":"operator started"}',
  '{"level":20,"time":1000,"sync":"prod/web","msg":"reconcile started"}',
  '{"level":40,"time":2000,"sync":"prod/web","revision":"main@sha1:abc","msg":"apply failed"}',
  '{"level":50,"time":3000,"gitrepository":"prod/repo","msg":"fetch failed"}',
  'not json',
  '{"level":30,"time":4000,"sync":"dev/web","msg":"applied"}',
].join('\n');

void test('filterLogLines: by level and resource, fields kept, noise dropped', () => {
  const cases: [string, Parameters<typeof filterLogLines>[1], string[]][] = [
    [
      'info and above',
      { minLevel: 30 },
      ['operator started', 'apply failed', 'fetch failed', 'applied'],
    ],
    [
      'one Sync, debug',
      { minLevel: 20, resource: { field: 'sync', key: 'prod/web' } },
      ['reconcile started', 'apply failed'],
    ],
    ['errors only', { minLevel: 50 }, ['fetch failed']],
    [
      'a source',
      { minLevel: 10, resource: { field: 'gitrepository', key: 'prod/repo' } },
      ['fetch failed'],
    ],
  ];
  for (const [name, filter, want] of cases)
    assert.deepEqual(
      filterLogLines(log, filter).map((l) => l.msg),
      want,
      name,
    );
  const [line] = filterLogLines(log, {
    minLevel: 40,
    resource: { field: 'sync', key: 'prod/web' },
  });
  assert.deepEqual(line, {
    time: '1970-01-01T00:00:02.000Z',
    level: 'warn',
    resource: 'sync/prod/web',
    msg: 'apply failed',
    fields: { sync: 'prod/web', revision: 'main@sha1:abc' },
  });
});

void test('parseResourceFilter: kind words, the namespace filled in', () => {
  assert.deepEqual(parseResourceFilter('sync/web', 'prod'), { field: 'sync', key: 'prod/web' });
  assert.deepEqual(parseResourceFilter('Sync/dev/web', 'prod'), { field: 'sync', key: 'dev/web' });
  assert.deepEqual(parseResourceFilter('source/repo', 'prod'), {
    field: 'gitrepository',
    key: 'prod/repo',
  });
  for (const bad of ['pod/x', 'sync', 'sync/', 'sync/a/b/c'])
    assert.equal(parseResourceFilter(bad, 'p'), undefined, bad);
});
