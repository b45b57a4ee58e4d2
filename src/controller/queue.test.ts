import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWorkQueue, MIN_REQUEUE_DELAY_MS, type QueueTimers } from './queue.ts';

/** Lets the queue run what is ready: a fixed number of event-loop turns, not a span of time. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}

test('a key added many times while queued is processed once', async () => {
  const seen: string[] = [];
  const ac = new AbortController();
  const q = createWorkQueue({
    concurrency: 2,
    signal: ac.signal,
    timers: fakeTimers(),
    handler: (key) => {
      seen.push(key);
      return Promise.resolve();
    },
  });
  q.add('a');
  q.add('a');
  q.add('b');
  q.add('a');
  await settle();
  ac.abort();
  await q.done;
  assert.deepEqual([...seen].sort(), ['a', 'b']);
});

test('a key is never processed by two workers at once, and re-runs if added while running', async () => {
  let running = 0;
  let maxRunning = 0;
  let runs = 0;
  const finish: (() => void)[] = [];
  const ac = new AbortController();
  const q = createWorkQueue({
    concurrency: 4,
    signal: ac.signal,
    timers: fakeTimers(),
    handler: async () => {
      running++;
      runs++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((resolve) => finish.push(resolve));
      running--;
    },
  });
  q.add('k');
  await settle();
  q.add('k');
  q.add('k');
  await settle();
  assert.equal(runs, 1, 'not started again while running');
  finish.shift()?.();
  await settle();
  assert.equal(runs, 2, 'run once more after it finished');
  finish.shift()?.();
  await settle();
  ac.abort();
  await q.done;
  assert.equal(maxRunning, 1);
  assert.equal(runs, 2);
});

test('addAfter keeps the earliest deadline', async () => {
  const times: number[] = [];
  const ac = new AbortController();
  const timers = fakeTimers();
  const q = createWorkQueue({
    concurrency: 1,
    signal: ac.signal,
    timers,
    handler: () => {
      times.push(timers.monotonic());
      return Promise.resolve();
    },
  });
  q.addAfter('k', 1000);
  q.addAfter('k', 120);
  q.addAfter('k', 500);
  timers.advance(119);
  await settle();
  assert.deepEqual(times, [], 'nothing ran before the earliest deadline');
  timers.advance(1);
  await settle();
  timers.advance(1000);
  await settle();
  ac.abort();
  await q.done;
  assert.deepEqual(times, [120], 'ran once, at the earliest deadline');
});

test('forget cancels a delayed add: a deleted object holds no timer', async () => {
  const seen: string[] = [];
  const ac = new AbortController();
  const timers = fakeTimers();
  const q = createWorkQueue({
    concurrency: 1,
    signal: ac.signal,
    timers,
    handler: (key) => {
      seen.push(key);
      return Promise.resolve();
    },
  });
  q.addAfter('gone', 3_600_000);
  q.addAfter('kept', 3_600_000);
  assert.equal(q.delayed, 2);
  q.forget('gone');
  q.forget('never-added');
  assert.equal(q.delayed, 1);
  timers.advance(3_600_000);
  await settle();
  ac.abort();
  await q.done;
  assert.deepEqual(seen, ['kept']);
  assert.equal(q.delayed, 0);
});

test('an error in one key does not stop the queue', async () => {
  const errors: string[] = [];
  const done: string[] = [];
  const ac = new AbortController();
  const q = createWorkQueue({
    concurrency: 1,
    signal: ac.signal,
    timers: fakeTimers(),
    onError: (key) => errors.push(key),
    handler: (key) => {
      if (key === 'bad') return Promise.reject(new Error('boom'));
      done.push(key);
      return Promise.resolve();
    },
  });
  q.add('bad');
  q.add('good');
  await settle();
  ac.abort();
  await q.done;
  assert.deepEqual(errors, ['bad']);
  assert.deepEqual(done, ['good']);
});

/** Timers the test drives: `advance` fires what is due, in deadline order. */
function fakeTimers(): QueueTimers & { advance(ms: number): void; delays: number[] } {
  let now = 0;
  const due: { at: number; run: () => void; cancelled: boolean }[] = [];
  const delays: number[] = [];
  return {
    delays,
    monotonic: () => now,
    schedule(run, delayMs) {
      delays.push(delayMs);
      const entry = { at: now + delayMs, run, cancelled: false };
      due.push(entry);
      return () => {
        entry.cancelled = true;
      };
    },
    handOff: () => new Promise<void>((resolve) => setImmediate(resolve)),
    advance(ms) {
      now += ms;
      for (const entry of due.sort((a, b) => a.at - b.at).filter((e) => e.at <= now)) {
        due.splice(due.indexOf(entry), 1);
        if (!entry.cancelled) entry.run();
      }
    },
  };
}

test('a requeue with no delay, or a negative one, waits the minimum delay', async () => {
  const seen: string[] = [];
  const ac = new AbortController();
  const timers = fakeTimers();
  const q = createWorkQueue({
    concurrency: 1,
    signal: ac.signal,
    timers,
    handler: (key) => {
      seen.push(key);
      return Promise.resolve();
    },
  });
  q.addAfter('zero', 0);
  q.addAfter('negative', -5);
  q.addAfter('nan', Number.NaN);
  assert.deepEqual(timers.delays, [
    MIN_REQUEUE_DELAY_MS,
    MIN_REQUEUE_DELAY_MS,
    MIN_REQUEUE_DELAY_MS,
  ]);
  await settle();
  assert.deepEqual(seen, [], 'nothing ran before the minimum delay');
  timers.advance(MIN_REQUEUE_DELAY_MS - 1);
  await settle();
  assert.deepEqual(seen, []);
  timers.advance(1);
  await settle();
  assert.deepEqual(seen, ['zero', 'negative', 'nan']);
  ac.abort();
  await q.done;
});

test('a handler that re-adds its own key at once still lets timers and I/O run', async () => {
  const cap = 20_000;
  let runs = 0;
  let immediateAt: number | undefined;
  let timerAt: number | undefined;
  const ac = new AbortController();
  const q = createWorkQueue({
    concurrency: 2,
    signal: ac.signal,
    handler: (key) => {
      runs++;
      if (runs < cap) q.add(key);
      return Promise.resolve();
    },
  });
  setImmediate(() => (immediateAt = runs));
  setTimeout(() => (timerAt = runs), 0);
  q.add('spin');
  await sleep(50);
  ac.abort();
  await q.done;
  assert.ok(
    immediateAt !== undefined && immediateAt < 10,
    `setImmediate ran after ${immediateAt} runs`,
  );
  assert.ok(timerAt !== undefined && timerAt < cap, `a timer ran only after ${timerAt} runs`);
});

test('a reconcile that requeues itself with delay 0 runs a few times a second, not in a loop', async () => {
  let runs = 0;
  const ac = new AbortController();
  const timers = fakeTimers();
  const q = createWorkQueue({
    concurrency: 1,
    signal: ac.signal,
    timers,
    handler: (key) => {
      runs++;
      q.addAfter(key, 0);
      return Promise.resolve();
    },
  });
  q.add('spin');
  await settle();
  assert.equal(runs, 1, 'the requeue waits for its timer');
  timers.advance(MIN_REQUEUE_DELAY_MS - 1);
  await settle();
  assert.equal(runs, 1);
  for (let n = 2; n <= 4; n++) {
    timers.advance(n === 2 ? 1 : MIN_REQUEUE_DELAY_MS);
    await settle();
    assert.equal(runs, n, `${n} runs after ${(n - 1) * MIN_REQUEUE_DELAY_MS} ms`);
  }
  assert.deepEqual(timers.delays, Array(4).fill(MIN_REQUEUE_DELAY_MS));
  ac.abort();
  await q.done;
});
