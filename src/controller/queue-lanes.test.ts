// The skip lane of the work queue: which keys run where, in which order, and at most how many at
// once. Every case adds keys to a queue whose handlers hold until released, then checks what has
// started (key and lane) after each step.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWorkQueue, Lanes, SKIP_YIELD_MS, type Lane, type QueueTimers } from './queue.ts';

async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A clock that moves only when told, running what is due. */
function fakeTimers(): QueueTimers & { advance(ms: number): void } {
  let now = 0;
  const due: { at: number; run: () => void }[] = [];
  return {
    monotonic: () => now,
    schedule(run, delayMs) {
      const entry = { at: now + delayMs, run };
      due.push(entry);
      return () => void due.splice(due.indexOf(entry), 1);
    },
    handOff: () => new Promise<void>((resolve) => setImmediate(resolve)),
    advance(ms) {
      now += ms;
      for (const entry of due.filter((e) => e.at <= now)) {
        due.splice(due.indexOf(entry), 1);
        entry.run();
      }
    },
  };
}

type Step =
  | { readonly add: string; readonly lane?: Lane }
  | { readonly addAll: readonly (readonly [string, Lane])[] }
  | { readonly finish: string }
  | { readonly advance: number }
  | { readonly started: readonly string[]; readonly running?: number };

type Case = {
  readonly name: string;
  readonly concurrency: number;
  readonly skipConcurrency?: number;
  readonly steps: readonly Step[];
};

const { main, skip } = Lanes;

const cases: readonly Case[] = [
  {
    name: 'keys added in one turn: the skip workers see the main key taken as running',
    concurrency: 1,
    skipConcurrency: 2,
    steps: [
      {
        addAll: [
          ['m1', main],
          ['s1', skip],
          ['s2', skip],
        ],
      },
      { started: ['m1:main'], running: 1 },
      { finish: 'm1' },
      { started: ['m1:main', 's1:skip', 's2:skip'], running: 2 },
    ],
  },
  {
    name: 'skip-lane keys run beyond the concurrency once the main lane is idle',
    concurrency: 1,
    skipConcurrency: 2,
    steps: [
      { add: 'm1' },
      { add: 'm2' },
      { add: 's1', lane: skip },
      { add: 's2', lane: skip },
      { add: 's3', lane: skip },
      { started: ['m1:main'], running: 1 },
      { finish: 'm1' },
      { started: ['m1:main', 'm2:main'], running: 1 },
      { finish: 'm2' },
      { started: ['m1:main', 'm2:main', 's1:skip', 's2:skip', 's3:skip'], running: 3 },
      { finish: 's1' },
      { add: 's4', lane: skip },
      { started: ['m1:main', 'm2:main', 's1:skip', 's2:skip', 's3:skip', 's4:skip'], running: 3 },
    ],
  },
  {
    name: 'skip keys wait for a busy main lane at most the yield, then main workers take them',
    concurrency: 2,
    skipConcurrency: 4,
    steps: [
      { add: 'm1' },
      { add: 's1', lane: skip },
      { add: 's2', lane: skip },
      { started: ['m1:main'], running: 1 },
      { advance: SKIP_YIELD_MS - 1 },
      { started: ['m1:main'], running: 1 },
      { advance: 1 },
      { started: ['m1:main', 's1:skip'], running: 2 },
      { finish: 's1' },
      { started: ['m1:main', 's1:skip', 's2:skip'], running: 2 },
      { add: 'm2' },
      { add: 's3', lane: skip },
      { finish: 's2' },
      { started: ['m1:main', 's1:skip', 's2:skip', 'm2:main'], running: 2 },
      { finish: 'm1' },
      { finish: 'm2' },
      { started: ['m1:main', 's1:skip', 's2:skip', 'm2:main', 's3:skip'], running: 1 },
    ],
  },
  {
    name: 'a main worker takes main keys before skip keys, each lane in the order added',
    concurrency: 1,
    steps: [
      { add: 'busy' },
      { add: 's1', lane: skip },
      { add: 'm1' },
      { add: 's2', lane: skip },
      { add: 'm2' },
      { started: ['busy:main'] },
      { finish: 'busy' },
      { finish: 'm1' },
      { finish: 'm2' },
      { finish: 's1' },
      { started: ['busy:main', 'm1:main', 'm2:main', 's1:skip', 's2:skip'] },
    ],
  },
  {
    name: 'a key waiting in the skip lane and added to the main lane moves over, runs once',
    concurrency: 1,
    steps: [
      { add: 'busy' },
      { add: 'k', lane: skip },
      { add: 'other' },
      { add: 'k', lane: main },
      { add: 'k', lane: skip },
      { finish: 'busy' },
      { finish: 'other' },
      { finish: 'k' },
      { started: ['busy:main', 'other:main', 'k:main'], running: 0 },
    ],
  },
  {
    name: 'a key added to the main lane while it runs in the skip lane runs again in the main lane',
    concurrency: 1,
    skipConcurrency: 1,
    steps: [
      { add: 'k', lane: skip },
      { started: ['k:skip'] },
      { add: 'busy' },
      { add: 'k', lane: skip },
      { add: 'k', lane: main },
      { started: ['k:skip'], running: 1 },
      { finish: 'k' },
      { started: ['k:skip', 'busy:main'], running: 1 },
      { finish: 'busy' },
      { started: ['k:skip', 'busy:main', 'k:main'], running: 1 },
    ],
  },
  {
    name: 'a key is never processed in both lanes at once',
    concurrency: 2,
    skipConcurrency: 2,
    steps: [
      { add: 'k', lane: skip },
      { add: 'k', lane: main },
      { add: 'k', lane: skip },
      { started: ['k:skip'], running: 1 },
      { finish: 'k' },
      { started: ['k:skip', 'k:main'], running: 1 },
      { finish: 'k' },
      { started: ['k:skip', 'k:main'], running: 0 },
    ],
  },
  {
    name: 'without skip workers the skip lane waits for the main workers',
    concurrency: 1,
    steps: [
      { add: 'm1' },
      { add: 's1', lane: skip },
      { started: ['m1:main'], running: 1 },
      { finish: 'm1' },
      { started: ['m1:main', 's1:skip'], running: 1 },
    ],
  },
];

for (const c of cases) {
  test(`queue lanes: ${c.name}`, async () => {
    const started: string[] = [];
    const release = new Map<string, () => void>();
    const ac = new AbortController();
    const timers = fakeTimers();
    const q = createWorkQueue({
      concurrency: c.concurrency,
      ...(c.skipConcurrency === undefined ? {} : { skipConcurrency: c.skipConcurrency }),
      signal: ac.signal,
      timers,
      handler: (key, _signal, lane) => {
        started.push(`${key}:${lane}`);
        return new Promise<void>((resolve) => release.set(key, resolve));
      },
    });
    for (const [i, step] of c.steps.entries()) {
      if ('add' in step) q.add(step.add, step.lane);
      else if ('addAll' in step) for (const [key, lane] of step.addAll) q.add(key, lane);
      else if ('advance' in step) timers.advance(step.advance);
      else if ('finish' in step) {
        const done = release.get(step.finish);
        assert.ok(done, `step ${i}: ${step.finish} is not running`);
        release.delete(step.finish);
        done();
      } else {
        await settle();
        assert.deepEqual(started, step.started, `step ${i}: started`);
        if (step.running !== undefined) assert.equal(release.size, step.running, `step ${i}`);
      }
      await settle();
    }
    ac.abort();
    for (const done of release.values()) done();
    await q.done;
  });
}
