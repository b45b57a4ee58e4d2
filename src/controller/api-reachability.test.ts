import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { KubeError } from '../kube/index.ts';
import { outageMessage, trackApiReachability } from './api-reachability.ts';
import { trackSourceOutages } from './source-outages.ts';
import { trackSyncOutages } from './sync-outages.ts';

/** A clock whose sleeps end when the test moves time past them. */
function fakeClock(start = Date.parse('2026-12-01T12:00:00Z')) {
  let now = 0;
  const sleepers: { at: number; wake: () => void }[] = [];
  return {
    now: () => new Date(start + now),
    monotonic: () => now,
    sleep: (ms: number, signal: AbortSignal) =>
      new Promise<void>((wake) => {
        if (signal.aborted) return wake();
        sleepers.push({ at: now + ms, wake });
        signal.addEventListener('abort', () => wake(), { once: true });
      }),
    async advance(ms: number) {
      now += ms;
      for (const s of sleepers.splice(0))
        if (s.at <= now) s.wake();
        else sleepers.push(s);
      await turn();
    },
  };
}

const refused = (what: string) =>
  new KubeError('Unavailable', `${what}: connect ECONNREFUSED 127.0.0.1:6443`, {
    verb: 'get',
    subject: what,
  });

void test('an outage: warned with since when, probed every 2 s, ended by the first answer', async () => {
  const clock = fakeClock();
  const logs: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
  const log = (level: string) => (fields: object, msg?: string) =>
    logs.push({ level, fields: fields as Record<string, unknown>, msg: msg ?? '' });
  const gauge: boolean[] = [];
  let probes = 0;
  let answerProbe = false;
  const stop = new AbortController();
  const r = trackApiReachability({
    clock,
    logger: { warn: log('warn'), info: log('info') } as never,
    setReachable: (up) => gauge.push(up),
    probe: () => {
      probes++;
      r.observe(answerProbe ? { answered: true } : { answered: false, error: refused('probe') });
      return Promise.resolve();
    },
    signal: stop.signal,
  });
  const woken: string[] = [];
  r.wake(() => woken.push('reflector'));
  const returned: string[] = [];
  r.onReturn((o) => returned.push(outageMessage(o)));

  r.observe({ answered: true });
  assert.equal(r.down(), undefined);
  r.observe({ answered: false, error: refused('apply ConfigMap/a/b') });
  assert.deepEqual(r.down(), {
    since: new Date('2026-12-01T12:00:00Z'),
    error: 'apply ConfigMap/a/b: connect ECONNREFUSED 127.0.0.1:6443',
  });
  assert.deepEqual(gauge, [true, false]);
  assert.equal(logs[0]?.level, 'warn');
  assert.equal(logs[0]?.fields.since, '2026-12-01T12:00:00.000Z');
  for (let i = 0; i < 6; i++) await clock.advance(2_000);
  assert.equal(probes, 6, 'one probe per 2 s, no more');
  assert.ok(logs.some((l) => l.msg === 'the API server still does not answer'));
  answerProbe = true;
  await clock.advance(2_000);
  assert.equal(r.down(), undefined);
  assert.deepEqual(gauge, [true, false, true]);
  assert.deepEqual(woken, ['reflector']);
  assert.deepEqual(returned, [
    'the API server did not answer from 2026-12-01T12:00:00Z to 2026-12-01T12:00:14Z (probe: connect ECONNREFUSED 127.0.0.1:6443); reconciling again',
  ]);
  await clock.advance(10_000);
  assert.equal(probes, 7, 'no probe once it answers');
  stop.abort();
});

void test('Syncs cut short are deferred while it is down, requeued once when it answers, reported once', () => {
  let down: { since: Date; error: string } | undefined;
  let onReturn: (o: { since: Date; until: Date; error: string }) => void = () => undefined;
  const requeued: string[] = [];
  const outages = trackSyncOutages({ down: () => down, onReturn: (l) => (onReturn = l) }, (key) =>
    requeued.push(key),
  );
  assert.equal(outages.deferred('ns/a'), false, 'reconciled while it answers');
  down = { since: new Date(0), error: 'refused' };
  outages.ended('ns/a', false);
  assert.equal(outages.deferred('ns/b'), true, 'not reconciled while it does not answer');
  down = undefined;
  const outage = { since: new Date(0), until: new Date(1000), error: 'refused' };
  onReturn(outage);
  assert.deepEqual(requeued, ['ns/a', 'ns/b']);
  assert.equal(outages.pending('ns/a'), outage);
  outages.reported('ns/a');
  assert.equal(outages.pending('ns/a'), undefined);
  outages.ended('ns/b', true);
  assert.equal(outages.pending('ns/b'), undefined, 'a success after the return already told it');
  onReturn(outage);
  assert.deepEqual(requeued, ['ns/a', 'ns/b'], 'each only once');
  assert.equal(outages.size(), 0);
});

/** A reachability whose outage the test begins and ends. */
function fakeReachability() {
  let down: { since: Date; error: string } | undefined;
  const listeners: ((o: { since: Date; until: Date; error: string }) => void)[] = [];
  return {
    down: () => down,
    onReturn: (l: (o: { since: Date; until: Date; error: string }) => void) => {
      listeners.push(l);
    },
    begin: () => (down = { since: new Date(0), error: 'refused' }),
    end: () => {
      down = undefined;
      const outage = { since: new Date(0), until: new Date(1000), error: 'refused' };
      for (const l of listeners) l(outage);
      return outage;
    },
  };
}

void test('a reconcile that outlived an outage is told it before it writes; one begun after is not', () => {
  const r = fakeReachability();
  const requeued: string[] = [];
  const outages = trackSyncOutages(r, (key) => requeued.push(key));
  outages.began('ns/long');
  outages.began('ns/quick');
  outages.ended('ns/quick', true);
  r.begin();
  const outage = r.end();
  assert.equal(outages.pending('ns/long'), outage, 'its requests waited out the outage');
  assert.equal(outages.pending('ns/quick'), undefined, 'it ended before the outage began');
  assert.deepEqual(requeued, [], 'a running reconcile is not requeued: it goes on');
  outages.reported('ns/long');
  outages.ended('ns/long', true);
  outages.began('ns/long');
  r.begin();
  outages.ended('ns/long', false);
  r.end();
  assert.deepEqual(requeued, ['ns/long'], 'cut short: requeued once it answers');
  outages.began('ns/long');
  outages.ended('ns/long', true);
  assert.equal(outages.size(), 0, 'nothing left once reported and ended');
  outages.began('ns/gone');
  outages.forget('ns/gone');
  assert.equal(outages.size(), 0, 'a deleted Sync is forgotten');
});

void test('GitRepositories due or failed while it is down are requeued once when it answers', () => {
  const r = fakeReachability();
  const requeued: string[] = [];
  const sources = trackSourceOutages(r, (key) => requeued.push(key));
  assert.equal(sources.deferred('ns/a'), false, 'fetched while it answers');
  sources.ended('ns/a');
  assert.equal(sources.size(), 0, 'nothing to remember while it answers');
  r.begin();
  sources.ended('ns/a');
  assert.equal(sources.deferred('ns/b'), true, 'not fetched while it does not answer');
  assert.equal(sources.deferred('ns/c'), true);
  sources.forget('ns/c');
  r.end();
  assert.deepEqual(requeued, ['ns/a', 'ns/b'], 'at once, not after an interval or a backoff');
  r.end();
  assert.deepEqual(requeued, ['ns/a', 'ns/b'], 'each only once');
  assert.equal(sources.size(), 0);
});
