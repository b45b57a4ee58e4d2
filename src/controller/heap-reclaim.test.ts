import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import {
  boundHeapGrowth,
  createReclaimer,
  shouldReclaim,
  type ReclaimPolicy,
} from './heap-reclaim.ts';

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

// A real process with a live set and a burst whose garbage outlives the young generation (as
// objects in flight across requests do): the heap's peak, with V8's own growth and bounded.
const growth = `
  import { boundHeapGrowth } from ${JSON.stringify(new URL('./heap-reclaim.ts', import.meta.url).href)};
  import { getHeapStatistics } from 'node:v8';
  if (process.argv.includes('bound')) boundHeapGrowth();
  const live = [];
  for (let i = 0; i < 100000; i++) live.push({ name: 'object-' + i, data: { value: 'v'.repeat(100) + i } });
  const recent = [];
  let peak = 0;
  for (let r = 0; r < 800; r++) {
    const batch = [];
    for (let i = 0; i < 1000; i++) batch.push({ s: 'x'.repeat(60) + i, d: { k: [1, 2, { v: String(i) }] } });
    recent.push(batch);
    if (recent.length > 20) recent.shift();
    if (r % 25 === 0) peak = Math.max(peak, getHeapStatistics().total_heap_size);
  }
  console.log(JSON.stringify({ peak, live: live.length }));
`;

test('a bounded heap peaks far lower through a burst than V8 lets it grow by itself', () => {
  const peakOf = (mode: string): number => {
    const run = spawnSync(
      process.execPath,
      ['--max-semi-space-size=2', '--input-type=module', '-e', growth, mode],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    return (JSON.parse(run.stdout) as { peak: number }).peak;
  };
  const [free, bound] = [peakOf('free'), peakOf('bound')];
  assert.ok(
    bound < free * 0.7,
    `peak heap ${Math.round(free / MiB)} MiB by itself, ${Math.round(bound / MiB)} MiB bounded`,
  );
});

test('the growth bound refuses a percent that is no whole number from 1 to 300', () => {
  for (const bad of [0, -5, 301, 2.5, Number.NaN])
    assert.throws(
      () => boundHeapGrowth(bad),
      /heap growing percent: .* is not a whole number from 1 to 300/,
    );
});
