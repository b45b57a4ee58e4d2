import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { KubeObject } from '../parts.ts';
import { recentEvents, selectEvents } from '../events.ts';
import { runInProcess } from '../test-helpers.ts';
import { parseEventSubject, renderEventsTable } from './events.ts';

const now = new Date('2024-05-01T12:00:00Z');

async function fixtureEvents(): Promise<KubeObject[]> {
  const text = await readFile(new URL('../testdata/sync-status.yaml', import.meta.url), 'utf8');
  return (parse(text) as { events: KubeObject[] }).events;
}

void test("events: Moor's only, filtered by object and type, newest last", async () => {
  const events = await fixtureEvents();
  const names = (filter: Parameters<typeof selectEvents>[1]) =>
    selectEvents(events, filter).map((e) => e.metadata.name);
  assert.deepEqual(names({}), ['web.1', 'other.1', 'web.2']);
  assert.deepEqual(names({ kind: 'Sync', name: 'web' }), ['web.1', 'web.2']);
  assert.deepEqual(names({ type: 'Warning' }), ['web.2']);
  assert.deepEqual(names({ kind: 'GitRepository', name: 'web' }), []);
});

void test('events table names the object and the time since', async () => {
  const events = selectEvents(await fixtureEvents(), { type: 'warning' });
  assert.equal(
    renderEventsTable(events, now, true),
    [
      'NAMESPACE   LAST SEEN   TYPE      REASON     OBJECT     MESSAGE',
      'apps        60s         Warning   Diverged   Sync/web   Deployment/apps/web: spec.replicas set to 5 by kubectl-edit',
      '',
    ].join('\n'),
  );
});

void test('--for takes sync/NAME or source/NAME; anything else exits 2', async () => {
  assert.deepEqual(parseEventSubject('sync/web'), { kind: 'Sync', name: 'web' });
  assert.deepEqual(parseEventSubject('source/repo'), { kind: 'GitRepository', name: 'repo' });
  assert.deepEqual(parseEventSubject('GitRepository/repo'), {
    kind: 'GitRepository',
    name: 'repo',
  });
  for (const bad of ['web', 'pod/web', 'sync/', 'sync/a/b']) {
    const run = await runInProcess(['events', '--for', bad]);
    assert.equal(run.code, 2, bad);
    assert.match(run.stderr, /--for .*expected sync\/NAME or source\/NAME/, bad);
  }
});

void test('events: the newest --limit, only those since --since', () => {
  const at = (name: string, time: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name },
    lastTimestamp: time,
  });
  const events = [
    at('a', '2024-05-01T09:00:00Z'),
    at('b', '2024-05-01T11:00:00Z'),
    at('c', '2024-05-01T11:30:00Z'),
    at('d', '2024-05-01T11:59:00Z'),
  ];
  const names = (opts: Parameters<typeof recentEvents>[1]) =>
    recentEvents(events, opts).map((e) => e.metadata.name);
  assert.deepEqual(names({ limit: 2 }), ['c', 'd']);
  assert.deepEqual(names({ limit: 0 }), ['a', 'b', 'c', 'd']);
  assert.deepEqual(names({ limit: 0, since: new Date('2024-05-01T11:00:00Z') }), ['b', 'c', 'd']);
  assert.deepEqual(names({ limit: 1, since: new Date('2024-05-01T11:00:00Z') }), ['d']);
});

void test('--limit takes a whole number, --since a duration; anything else exits 2', async () => {
  for (const [args, message] of [
    [['events', '--limit', 'ten'], /--limit <n>' argument 'ten' is invalid/],
    [['events', '--limit', '-1'], /--limit/],
    [['events', '--since', 'yesterday'], /--since: invalid duration "yesterday"/],
  ] as const) {
    const run = await runInProcess(args);
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.stderr, message, args.join(' '));
  }
});
