// The soak's bookkeeping, pure: Converged Events counted per Sync and revision, and slopes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/core/index.ts';
import { convergedLedger } from '../../bench/lib/soak-checks.ts';
import { slope } from '../../bench/lib/stats.ts';

const converged = (name: string, sync: string, sha: string, count = 1): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name, annotations: { 'moor.dev/revision': `main@sha1:${sha}` } },
  involvedObject: { kind: 'Sync', name: sync },
  reason: 'Converged',
  count,
});

test('Converged Events: missing and duplicated per Sync and revision; other Events ignored', () => {
  const ledger = convergedLedger();
  ledger.expect(['a', 'b'], 'c1');
  ledger.expect(['a', 'b'], 'c2');
  ledger.observe(converged('e1', 'a', 'c1'));
  ledger.observe(converged('e2', 'b', 'c1'));
  ledger.observe(converged('e3', 'a', 'c2'));
  assert.equal(ledger.caughtUp(), false, 'b has not converged on c2');
  // The same Event seen again (a watch replay) is one; its count raised is a repeat.
  ledger.observe(converged('e3', 'a', 'c2'));
  ledger.observe(converged('e4', 'b', 'c2', 2));
  ledger.observe({ ...converged('e5', 'b', 'c2'), reason: 'Applied' });
  assert.equal(ledger.caughtUp(), true);
  assert.deepEqual(ledger.count(), { expected: 4, seen: 5, missing: 0, duplicated: 1 });

  const short = convergedLedger();
  short.expect(['a'], 'c1');
  short.observe(converged('e1', 'a', 'other'));
  assert.deepEqual(short.count(), { expected: 1, seen: 1, missing: 1, duplicated: 0 });
});

test('slope: least squares per unit of t; flat and single points are 0', () => {
  const cases: [{ t: number; v: number }[], number][] = [
    [[], 0],
    [[{ t: 0, v: 5 }], 0],
    [[0, 1, 2, 3].map((t) => ({ t, v: 7 })), 0],
    [[0, 1, 2, 3].map((t) => ({ t, v: 2 * t + 1 })), 2],
    [[0, 1, 2, 3].map((t) => ({ t, v: t % 2 === 0 ? 10 : 12 })), 0.4],
  ];
  for (const [points, expected] of cases)
    assert.ok(
      Math.abs(slope(points) - expected) < 1e-9,
      `${JSON.stringify(points)}: ${slope(points)}`,
    );
});
