// The diff between two history entries: objects added, removed and changed between them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffHistoryEntries, HistoryEntryNotFound } from './diff.ts';
import { appendRecord, emptyRing, type HistoryRing, type NewRecord } from './record.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 12, minute)).toISOString();

function rec(minute: number, inventory: string[], configured: string[] = [], count?: number) {
  const r: NewRecord = {
    revision: `r${minute}`,
    startedAt: at(minute),
    result: 'Succeeded',
    health: 'Healthy',
    created: 0,
    configured: count ?? configured.length,
    deleted: 0,
    inventory,
    ...(configured.length > 0 ? { objects: { configured } } : {}),
  };
  return r;
}

const ring: HistoryRing = [
  rec(0, ['a', 'b', 'c']),
  rec(1, ['a', 'b', 'c', 'd'], ['a']),
  rec(2, ['a', 'c', 'd'], ['c', 'd']),
  rec(3, ['a', 'c', 'd', 'e'], ['x'], 5),
].reduce<HistoryRing>((r, n) => appendRecord(r, n), emptyRing);

const cases = [
  {
    name: 'one apply apart',
    from: 0,
    to: 1,
    want: { added: ['d'], removed: [], changed: ['a'], complete: true, applies: 1 },
  },
  {
    name: 'in either order, several applies apart; a changed object gone since is not changed',
    from: 2,
    to: 0,
    want: { added: ['d'], removed: ['b'], changed: ['a', 'c'], complete: true, applies: 2 },
  },
  {
    name: 'an apply listing fewer objects than it configured leaves the list incomplete',
    from: 2,
    to: 3,
    want: { added: ['e'], removed: [], changed: [], complete: false, applies: 1 },
  },
  {
    name: 'an entry with itself',
    from: 1,
    to: 1,
    want: { added: [], removed: [], changed: [], complete: true, applies: 0 },
  },
];
for (const c of cases) {
  test(`history diff: ${c.name}`, () => {
    const d = diffHistoryEntries(ring, at(c.from), at(c.to), 'Sync/ns/web');
    assert.deepEqual(
      {
        added: d.added,
        removed: d.removed,
        changed: d.changed,
        complete: d.changedComplete,
        applies: d.applies,
      },
      c.want,
    );
    assert.equal(d.from.revision, `r${Math.min(c.from, c.to)}`);
    assert.equal(d.to.revision, `r${Math.max(c.from, c.to)}`);
  });
}

test('history diff: an entry not in the history is named in the error', () => {
  assert.throws(
    () => diffHistoryEntries(ring, at(0), at(9), 'Sync/ns/web'),
    (e: unknown) =>
      e instanceof HistoryEntryNotFound &&
      e.message.includes('Sync/ns/web') &&
      e.message.includes(at(9)),
  );
  assert.throws(
    () => diffHistoryEntries(ring, 'not a time', at(0), 'Sync/ns/web'),
    HistoryEntryNotFound,
  );
});
