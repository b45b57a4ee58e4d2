import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWorkQueue } from './queue.ts';

test('a key added many times while queued is processed once', async () => {
  const seen: string[] = [];
  const ac = new AbortController();
  const q = createWorkQueue({
    concurrency: 2,
    signal: ac.signal,
    handler: async (key) => {
      seen.push(key);
      await sleep(5);
    },
  });
  q.add('a');
  q.add('a');
  q.add('b');
  q.add('a');
  await sleep(50);
  ac.abort();
  await q.done;
  assert.deepEqual([...seen].sort(), ['a', 'b']);
});

test('a key is never processed by two workers at once, and re-runs if added while running', async () => {
  let running = 0;
  let maxRunning = 0;
  let runs = 0;
  const ac = new AbortController();
  const q = createWorkQueue({
    concurrency: 4,
    signal: ac.signal,
    handler: async () => {
      running++;
      runs++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(20);
      running--;
    },
  });
  q.add('k');
  await sleep(5);
  q.add('k');
  q.add('k');
  await sleep(80);
  ac.abort();
  await q.done;
  assert.equal(maxRunning, 1);
  assert.equal(runs, 2);
});

test('addAfter keeps the earliest deadline', async () => {
  const times: number[] = [];
  const ac = new AbortController();
  const start = Date.now();
  const q = createWorkQueue({
    concurrency: 1,
    signal: ac.signal,
    handler: () => {
      times.push(Date.now() - start);
      return Promise.resolve();
    },
  });
  q.addAfter('k', 1000);
  q.addAfter('k', 20);
  q.addAfter('k', 500);
  await sleep(150);
  ac.abort();
  await q.done;
  assert.equal(times.length, 1);
  assert.ok(times[0]! < 150, `ran at ${times[0]}ms`);
});

test('an error in one key does not stop the queue', async () => {
  const errors: string[] = [];
  const done: string[] = [];
  const ac = new AbortController();
  const q = createWorkQueue({
    concurrency: 1,
    signal: ac.signal,
    onError: (key) => errors.push(key),
    handler: (key) => {
      if (key === 'bad') return Promise.reject(new Error('boom'));
      done.push(key);
      return Promise.resolve();
    },
  });
  q.add('bad');
  q.add('good');
  await sleep(30);
  ac.abort();
  await q.done;
  assert.deepEqual(errors, ['bad']);
  assert.deepEqual(done, ['good']);
});
