import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideHealth, HEALTH_RECHECK_MS, type HealthInput } from './health.ts';

const t0 = new Date('2026-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const web = { message: 'Deployment.apps/ns/web: 0 of 1 replicas available' };
const base: HealthInput = {
  previous: undefined,
  revision: 'main@sha1:a',
  generation: 1,
  now: t0,
  timeoutMs: 60_000,
  timeout: '1m',
  total: 3,
  failed: [],
  progressing: [],
};
const waitSince = (ms: number, revision = 'main@sha1:a', generation = 1) => ({
  revision,
  generation,
  startedAt: at(ms).toISOString(),
});

const cases: { name: string; input: Partial<HealthInput>; want: Record<string, unknown> }[] = [
  {
    name: 'all healthy: True, counting every object, and the wait is over',
    input: { previous: waitSince(0), now: at(5000) },
    want: {
      status: 'True',
      reason: 'Succeeded',
      message: 'all 3 objects are healthy',
      wait: undefined,
    },
  },
  {
    name: 'progressing on a new desired state: Unknown, the wait starts now, look again soon',
    input: { progressing: [web], now: at(1000) },
    want: { status: 'Unknown', reason: 'Progressing', since: at(1000), recheck: HEALTH_RECHECK_MS },
  },
  {
    name: 'progressing within the timeout of the same state: the recorded start stays',
    input: { previous: waitSince(0), progressing: [web], now: at(59_500) },
    want: { status: 'Unknown', since: at(0), recheck: 500 },
  },
  {
    name: 'progressing past the timeout counted from the recorded start: HealthCheckTimeout',
    input: { previous: waitSince(0), progressing: [web], now: at(60_000) },
    want: { status: 'False', reason: 'HealthCheckTimeout', since: at(0), timedOut: true },
  },
  {
    name: 'a new revision restarts the wait',
    input: { previous: waitSince(0, 'main@sha1:old'), progressing: [web], now: at(90_000) },
    want: { status: 'Unknown', since: at(90_000), recheck: HEALTH_RECHECK_MS },
  },
  {
    name: 'a spec change (new generation) restarts the wait',
    input: { previous: waitSince(0, 'main@sha1:a', 0), progressing: [web], now: at(90_000) },
    want: { status: 'Unknown', since: at(90_000), recheck: HEALTH_RECHECK_MS },
  },
  {
    name: 'a failed object fails at once',
    input: { failed: [{ message: 'Deployment.apps/ns/web: progress deadline exceeded' }] },
    want: { status: 'False', reason: 'HealthCheckFailed', since: t0 },
  },
];

for (const c of cases) {
  test(`decideHealth: ${c.name}`, () => {
    const got = decideHealth({ ...base, ...c.input });
    assert.equal(got.health.status, c.want.status);
    if (c.want.reason) assert.equal(got.health.reason, c.want.reason);
    if (c.want.message) assert.equal(got.health.message, c.want.message);
    if ('wait' in c.want) assert.equal(got.wait, c.want.wait);
    if (c.want.since) assert.equal(got.wait?.startedAt, (c.want.since as Date).toISOString());
    if (c.want.recheck) assert.equal(got.recheckInMs, c.want.recheck);
    else assert.equal(got.recheckInMs, undefined);
    if (c.want.status === 'Unknown') assert.match(got.health.message, /waiting for 1 of 3 objects/);
    if (c.want.timedOut)
      assert.match(got.health.message, /Deployment\.apps\/ns\/web.*\(after 1m\)/);
  });
}
