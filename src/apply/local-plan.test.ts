// The local verdict against the real API server: what it calls valid the server's dry-run
// accepts, and an apply that skips dry-runs still applies nothing when one object is invalid.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { systemClock, type KubeObject } from '../core/index.ts';
import type { KubeClient } from '../kube/index.ts';
import { must, stepSignal, testClient } from '../kube/test-helpers.ts';
import { clusterTest as test, testNamespace } from '../../test/helpers/cluster.ts';
import { applyPlan } from './apply.ts';
import { localVerdict } from './local-verdict.ts';
import { MIN_LOCAL_CANDIDATES } from './local-plan.ts';

const configMap = (ns: string, name: string, data: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, labels: { 'moor.dev/sync-name': 'app' } },
  data,
});

/** The real client, counting the dry-runs it sends. */
function counting(kube: KubeClient): { kube: KubeClient; dryRuns: () => number } {
  let n = 0;
  const counted: KubeClient = {
    ...kube,
    apply: (obj, opts, signal) => {
      if (opts.dryRun) n++;
      return kube.apply(obj, opts, signal);
    },
  };
  return { kube: counted, dryRuns: () => n };
}

async function apply(kube: KubeClient, objects: KubeObject[]) {
  return applyPlan(
    {
      stages: [[], objects],
      prune: [],
      owner: { name: 'app', namespace: 'app' },
      fieldManager: 'moor',
      force: false,
      timeoutMs: 30_000,
    },
    { kube, signal: AbortSignal.timeout(120_000), concurrency: 8, clock: systemClock },
  );
}

test('what the local check calls valid, the API server dry-run accepts', async (t) => {
  const ns = await testNamespace(t, 'local-verdict');
  const kube = testClient();
  const char = (chars: string) => fc.constantFrom(...chars.split(''));
  const text = (chars: string, maxLength: number) =>
    fc.array(char(chars), { minLength: 0, maxLength }).map((a) => a.join(''));
  // Mostly near-valid, some anything from the same alphabet, so both verdicts come up.
  const either = (ok: string[], chars: string, maxLength: number) =>
    fc.oneof(
      { arbitrary: fc.constantFrom(...ok), weight: 4 },
      { arbitrary: text(chars, maxLength), weight: 1 },
    );
  const object = fc.record({
    name: either(['a', 'app-1', 'a.b', 'x9.y-z'], 'ab9-.A_', 12),
    key: either(['a', 'A_b-1.yaml', '.env', 'k..k'], 'aZ9-._/ ', 10),
    value: fc.oneof({ arbitrary: fc.string({ maxLength: 8 }), weight: 4 }, fc.integer()),
    label: either(['a', 'example.com/x', 'A_b.c-1'], 'ab9-._/', 10),
    labelValue: either(['', 'v', 'a.b_c-1'], 'ab-._', 6),
    extra: fc.constantFrom({}, {}, {}, { immutable: true }, { immutable: 'no' }, { spec: {} }),
  });
  let valid = 0;
  await fc.assert(
    fc.asyncProperty(object, async (o) => {
      const obj: KubeObject = {
        ...configMap(ns, o.name, { [o.key]: o.value }),
        ...o.extra,
      };
      obj.metadata.labels = { [o.label]: o.labelValue };
      if (localVerdict(obj) !== 'valid') return;
      valid++;
      const dry = await kube.apply(obj, { fieldManager: 'moor', dryRun: true }, stepSignal());
      assert.ok(
        dry.ok,
        `${JSON.stringify(obj)} judged valid here: ${dry.ok ? '' : dry.error.message}`,
      );
    }),
    { numRuns: 150 },
  );
  assert.ok(valid >= 10, `${valid} generated objects were judged valid (enough to compare)`);
});

test('an apply of many new ConfigMaps dry-runs one per namespace and kind, and one invalid object still applies nothing', async (t) => {
  const ns = await testNamespace(t, 'local-apply');
  const { kube, dryRuns } = counting(testClient());
  const n = MIN_LOCAL_CANDIDATES + 24;
  const good = Array.from({ length: n }, (_, i) => configMap(ns, `cm-${i}`, { i: String(i) }));
  const bad = configMap(ns, 'bad', { 'not/a/key': 'x' });

  const refused = await apply(kube, [...good, bad]);
  assert.equal(refused.ok, false);
  assert.equal(refused.phase, 'validate');
  const failed = refused.entries.filter((e) => e.action === 'failed');
  assert.deepEqual(
    failed.map((e) => e.id.name),
    ['bad'],
  );
  assert.match(failed[0]?.message ?? '', /ConfigMap\/.*bad.*not\/a\/key/);
  const listed = must(await kube.list('v1', 'ConfigMap', { namespace: ns }, stepSignal()));
  assert.deepEqual(
    listed.items.filter((o) => o.metadata.name !== 'kube-root-ca.crt').map((o) => o.metadata.name),
    [],
    'nothing of the refused revision was written',
  );
  assert.equal(dryRuns(), 2, 'the representative and the object the local check could not judge');

  const before = dryRuns();
  const applied = await apply(kube, good);
  assert.equal(
    applied.ok,
    true,
    JSON.stringify(applied.entries.filter((e) => e.action === 'failed')),
  );
  assert.equal(applied.entries.filter((e) => e.action === 'created').length, n);
  assert.equal(dryRuns() - before, 1, 'one dry-run for the whole namespace');
  const written = must(await kube.list('v1', 'ConfigMap', { namespace: ns }, stepSignal()));
  assert.equal(written.items.filter((o) => o.metadata.name?.startsWith('cm-')).length, n);
});

test('a ResourceQuota in the namespace, or a representative refused, brings back a dry-run per object', async (t) => {
  const ns = await testNamespace(t, 'local-quota');
  const { kube, dryRuns } = counting(testClient());
  must(
    await kube.apply(
      {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'q', namespace: ns },
        spec: { hard: { 'count/configmaps': '100' } },
      },
      { fieldManager: 'test' },
      stepSignal(),
    ),
  );
  const n = MIN_LOCAL_CANDIDATES + 4;
  const objects = Array.from({ length: n }, (_, i) => configMap(ns, `cm-${i}`, { i: String(i) }));
  const applied = await apply(kube, objects);
  assert.equal(applied.ok, true);
  assert.equal(dryRuns(), n, 'under a quota every object is dry-run');

  // A namespace that does not exist: the representative is refused, so each object is named.
  const missing = `${ns}-missing`;
  const nowhere = Array.from({ length: n }, (_, i) =>
    configMap(missing, `cm-${i}`, { i: String(i) }),
  );
  const refused = await apply(kube, nowhere);
  assert.equal(refused.ok, false);
  const failed = refused.entries.filter((e) => e.action === 'failed');
  assert.equal(failed.length, n, 'every object is named');
  for (const e of failed) assert.match(e.message, /not found/i, e.message);
});
