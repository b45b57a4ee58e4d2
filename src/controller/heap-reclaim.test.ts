import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { createReclaimer, shouldReclaim, type ReclaimPolicy } from './heap-reclaim.ts';

const MiB = 2 ** 20;
const policy: ReclaimPolicy = { quietMs: 5_000, growthBytes: 16 * MiB };

test('reclaims only when idle long enough and grown enough since the last reclaim', () => {
  const state = { busyAt: 1_000, baselineBytes: 100 * MiB };
  const table: [at: number, busy: boolean, residentMiB: number, expected: boolean][] = [
    [7_000, false, 200, true],
    [7_000, true, 200, false], // busy now
    [5_999, false, 200, false], // idle for less than quietMs
    [6_000, false, 116, true], // exactly quiet and grown enough
    [9_000, false, 115, false], // grown too little
    [9_000, false, 90, false], // shrank
  ];
  for (const [at, busy, residentMiB, expected] of table)
    assert.equal(
      shouldReclaim(policy, state, { at, busy, residentBytes: residentMiB * MiB }),
      expected,
      `at=${at} busy=${busy} resident=${residentMiB} MiB`,
    );
});

test('a burst is reclaimed once it is over, then not again until the process grows again', () => {
  let clock = 0;
  let busy = false;
  let resident = 100 * MiB;
  let collected = 0;
  const reclaimer = createReclaimer({
    busy: () => busy,
    logger: { debug: () => undefined },
    policy,
    now: () => clock,
    residentBytes: () => resident,
    collect: () => {
      collected++;
      resident = 120 * MiB;
    },
  });
  const step = (ms: number): void => {
    clock += ms;
    reclaimer.tick();
  };
  busy = true;
  resident = 400 * MiB;
  step(1_000);
  step(1_000);
  assert.equal(collected, 0, 'never while busy');
  busy = false;
  step(4_000);
  assert.equal(collected, 0, 'not before the queues were quiet for quietMs');
  step(1_000);
  assert.equal(collected, 1, 'once quiet');
  for (let i = 0; i < 20; i++) step(1_000);
  assert.equal(collected, 1, 'not again without growth');
  resident = 140 * MiB;
  step(1_000);
  assert.equal(collected, 2, 'again after growing by growthBytes since the last reclaim');
  assert.equal(reclaimer.reclaims(), 2);
});

// A real process: garbage from a burst stays resident until the reclaim returns it.
const burst = `
  import { createReclaimer } from ${JSON.stringify(new URL('./heap-reclaim.ts', import.meta.url).href)};
  let clock = 0;
  const reclaimer = createReclaimer({ busy: () => false, logger: { debug() {} }, now: () => clock });
  let junk = [];
  for (let r = 0; r < 20; r++) {
    for (let i = 0; i < 20000; i++) junk.push({ s: 'x'.repeat(40) + i, d: JSON.parse('{"k":[1,2,{"v":"' + i + '"}]}') });
    junk = [];
  }
  const before = process.memoryUsage.rss();
  clock = 10_000;
  reclaimer.tick();
  console.log(JSON.stringify({ before, after: process.memoryUsage.rss(), reclaims: reclaimer.reclaims() }));
`;

test('the last-resort collection gives a burst’s memory back to the system', () => {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', burst], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const { before, after, reclaims } = JSON.parse(run.stdout) as Record<string, number>;
  assert.equal(reclaims, 1);
  assert.ok(
    (after ?? Infinity) < (before ?? 0) - 50 * MiB,
    `resident ${Math.round((before ?? 0) / MiB)} MiB → ${Math.round((after ?? 0) / MiB)} MiB`,
  );
});
