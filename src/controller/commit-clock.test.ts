import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCommitClock } from './commit-clock.ts';

test('commit-to-converged is measured once per Sync and revision, from its first sighting', () => {
  const clock = createCommitClock();
  clock.seen('main@sha1:a', 1_000);
  clock.seen('main@sha1:a', 50_000);
  assert.equal(clock.converged('ns/web', 'main@sha1:a', 6_000), 5);
  // Converging again after drift or a spec edit is no new commit.
  assert.equal(clock.converged('ns/web', 'main@sha1:a', 900_000), undefined);
  // Another Sync of the same source converges on it for the first time.
  assert.equal(clock.converged('ns/api', 'main@sha1:a', 8_000), 7);
  // A revision never seen by this process (it was seen before a restart) is not measured.
  assert.equal(clock.converged('ns/web', 'main@sha1:b', 9_000), undefined);
  clock.seen('main@sha1:c', 10_000);
  assert.equal(clock.converged('ns/web', 'main@sha1:c', 12_500), 2.5);
  clock.forget('ns/web');
  assert.equal(clock.converged('ns/web', 'main@sha1:c', 20_000), 10);
});

test('sightings are bounded, oldest forgotten first', () => {
  const clock = createCommitClock(2);
  clock.seen('r1', 0);
  clock.seen('r2', 0);
  clock.seen('r3', 0);
  assert.equal(clock.converged('s', 'r1', 1000), undefined);
  assert.equal(clock.converged('s', 'r3', 1000), 1);
});
