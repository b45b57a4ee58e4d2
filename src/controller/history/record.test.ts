// The durable history ring: inventories rebuilt from deltas, the bound, `--at`, and its size.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { decodeRing, encodeRing } from './codec.ts';
import {
  appendRecord,
  emptyRing,
  inventories,
  lastHealthy,
  recordAt,
  type HistoryRing,
  type NewRecord,
} from './record.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 12, minute)).toISOString();

function rec(
  minute: number,
  revision: string,
  inventory: string[],
  extra: Omit<Partial<NewRecord>, 'health'> & { health?: string | null } = {},
): NewRecord {
  const { health = 'Healthy', ...rest } = extra;
  return {
    revision,
    startedAt: at(minute),
    finishedAt: at(minute),
    result: 'Succeeded',
    ...(health === null ? {} : { health }),
    created: 0,
    configured: 0,
    deleted: 0,
    inventory,
    ...rest,
  };
}

const build = (records: NewRecord[], limit?: number): HistoryRing =>
  records.reduce<HistoryRing>((ring, r) => appendRecord(ring, r, limit), emptyRing);

test('the inventory after every record is rebuilt from the deltas', () => {
  const ring = build([rec(0, 'r1', ['a', 'b']), rec(1, 'r2', ['a', 'c']), rec(2, 'r3', ['c'])]);
  assert.deepEqual(inventories(ring), [['c'], ['a', 'c'], ['a', 'b']]);
  assert.deepEqual(ring.records[0]?.removed, ['a']);
  assert.equal(ring.records[0]?.added, undefined);
});

test('the same apply completed later replaces the newest record', () => {
  const ring = build([
    rec(0, 'r1', ['a']),
    rec(1, 'r2', ['a', 'b'], { result: 'Progressing', health: 'Progressing' }),
    rec(1, 'r2', ['a', 'b'], { finishedAt: at(3) }),
  ]);
  assert.equal(ring.records.length, 2);
  assert.equal(ring.records[0]?.finishedAt, at(3));
  assert.deepEqual(inventories(ring)[0], ['a', 'b']);
});

test('past the limit the oldest go, and the inventories stay right', () => {
  const ring = build(
    [rec(0, 'r1', ['a']), rec(1, 'r2', ['a', 'b']), rec(2, 'r3', ['b', 'c']), rec(3, 'r4', ['c'])],
    2,
  );
  assert.deepEqual(
    ring.records.map((r) => r.revision),
    ['r4', 'r3'],
  );
  assert.deepEqual(inventories(ring), [['c'], ['b', 'c']]);
});

const cases: { name: string; minute: number; want: string | undefined }[] = [
  { name: 'before the first apply', minute: -1, want: undefined },
  { name: 'at the first apply', minute: 0, want: 'r1' },
  { name: 'between two applies', minute: 5, want: 'r1' },
  { name: 'a failed apply leaves the revision before it', minute: 12, want: 'r2' },
  { name: 'after the last', minute: 30, want: 'r3' },
];
for (const c of cases) {
  test(`--at ${c.name}`, () => {
    const ring = build([
      rec(0, 'r1', ['a']),
      rec(10, 'r2', ['a', 'b']),
      rec(11, 'r9', ['a', 'b'], { result: 'Failed', health: null }),
      rec(20, 'r3', ['b']),
    ]);
    const found = recordAt(ring, new Date(Date.UTC(2026, 11, 1, 12, c.minute)));
    assert.equal(found?.record.revision, c.want);
    if (c.want === 'r1') assert.deepEqual(found?.inventory, ['a']);
  });
}

test('a revision applied again without its commit keeps the commit recorded before', () => {
  const commit = { author: 'A <a@example.com>', message: 'one' };
  const ring = build([rec(0, 'r1', ['a'], { commit }), rec(1, 'r2', ['a']), rec(2, 'r1', ['a'])]);
  assert.deepEqual(ring.records[0]?.commit, commit);
  assert.equal(ring.records[1]?.commit, undefined);
});

test('the last healthy revision before the current one', () => {
  const ring = build([
    rec(0, 'r1', ['a']),
    rec(1, 'r2', ['a'], { result: 'Failed', health: 'Unhealthy' }),
    rec(2, 'r3', ['a']),
  ]);
  assert.equal(lastHealthy(ring, 'r3')?.revision, 'r1');
});

test('1,000 applies of a 200-object Sync fit a ConfigMap many times over', () => {
  const objects = (n: number) =>
    Array.from({ length: 200 }, (_, i) => `Deployment.apps/prod/web-${(i + n) % 400}`);
  const records = Array.from({ length: 1200 }, (_, i) =>
    rec(i, `main@sha1:${i.toString(16).padStart(40, '0')}`, objects(i % 7 === 0 ? i : 0), {
      commit: { author: 'Dev <dev@example.com>', message: `change number ${i}`, time: at(i) },
      configured: 3,
      objects: { configured: objects(0).slice(0, 3) },
    }),
  );
  const ring = build(records);
  assert.equal(ring.records.length, 1000);
  const bytes = encodeRing(ring);
  assert.ok(bytes.length < 200 * 1024, `${bytes.length} bytes`);
  const back = decodeRing(bytes, 'test');
  assert.deepEqual(inventories(back)[999], inventories(ring)[999]);
  console.log(`1000 records: ${bytes.length} bytes gzipped`);
});

test('a ring too large for the limit drops its oldest records', () => {
  const ring = build(
    Array.from({ length: 50 }, (_, i) =>
      rec(i, `r${i}`, [], { message: randomBytes(400).toString('hex') }),
    ),
  );
  const bytes = encodeRing(ring, 4096);
  const back = decodeRing(bytes, 'test');
  assert.ok(bytes.length <= 4096);
  assert.ok(back.records.length < 50 && back.records.length > 0);
  assert.equal(back.records[0]?.revision, 'r49');
});
