import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createReplayGuard } from './replay.ts';

function guard(maxEntries = 100) {
  let now = 1_000_000;
  const g = createReplayGuard({ windowMs: 60_000, maxEntries, now: () => now });
  return {
    g,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
  };
}

test('a delivery id is admitted once per receiver, and again after the window', () => {
  const { g, advance } = guard();
  const stamp = { type: 'github', id: 'd-1' };
  assert.ok(g.admit('Receiver/apps/a', stamp).ok);
  const again = g.admit('Receiver/apps/a', stamp);
  assert.equal(again.ok, false);
  if (!again.ok) {
    assert.equal(again.error.code, 'Replayed');
    assert.match(again.error.message, /github delivery d-1 to Receiver\/apps\/a/);
  }
  assert.ok(g.admit('Receiver/apps/b', stamp).ok, 'another receiver has its own ids');
  advance(60_001);
  assert.ok(g.admit('Receiver/apps/a', stamp).ok, 'forgotten after the window');
});

test('deliveries without an id are not refused', () => {
  const { g } = guard();
  assert.ok(g.admit('r', { type: 'generic' }).ok);
  assert.ok(g.admit('r', { type: 'generic' }).ok);
});

test('a forgotten delivery (it failed) may be delivered again', () => {
  const { g } = guard();
  const stamp = { type: 'gitea', id: 'x' };
  assert.ok(g.admit('r', stamp).ok);
  g.forget('r', stamp);
  assert.ok(g.admit('r', stamp).ok);
});

test('a timestamp outside the window either way is stale', () => {
  const { g, now } = guard();
  for (const offset of [-60_001, 60_001]) {
    const got = g.admit('r', { type: 'generic', id: `t${offset}`, timestampMs: now() + offset });
    assert.equal(got.ok, false);
    if (!got.ok) assert.equal(got.error.code, 'Stale');
  }
  assert.ok(g.admit('r', { type: 'generic', id: 'fresh', timestampMs: now() - 59_000 }).ok);
});

test('memory is bounded: the oldest ids are forgotten first', () => {
  const { g } = guard(3);
  for (const id of ['a', 'b', 'c', 'd']) assert.ok(g.admit('r', { type: 'github', id }).ok);
  assert.ok(g.admit('r', { type: 'github', id: 'a' }).ok, 'a was evicted');
  assert.equal(g.admit('r', { type: 'github', id: 'd' }).ok, false, 'd is still remembered');
});
