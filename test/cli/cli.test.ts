// Black-box tests of `bin/moor` against the run's control plane: each runs the real program as a
// child process, one namespace per test, and checks what it printed and what it left in the cluster.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, parseAllDocuments } from 'yaml';
import { generateCrds } from '../../src/api/index.ts';
import type { KubeObject } from '../../src/core/index.ts';
import { createKubeClient, type KubeClient, type ObjectRef } from '../../src/kube/index.ts';
import {
  condition,
  getObject as getObjectIn,
  GV,
  moor,
  moorRunning,
  must,
  ref,
  signal,
  type Run,
} from './helpers.ts';
import {
  clusterBefore as before,
  clusterTest as test,
  testCluster,
  testNamespace,
} from '../helpers/cluster.ts';

let kube: KubeClient;
const REV = `main@sha1:${'c'.repeat(40)}`;

async function createSourceAndSync(ns: string): Promise<void> {
  const src = await moor([
    '-n',
    ns,
    'create',
    'source',
    'git',
    'repo',
    '--url',
    'https://example.com/r.git',
    '--branch',
    'main',
  ]);
  assert.equal(src.code, 0, src.stderr);
  const sync = await moor([
    '-n',
    ns,
    'create',
    'sync',
    'web',
    '--source',
    'repo',
    '--path',
    './apps',
    '--prune',
  ]);
  assert.equal(sync.code, 0, sync.stderr);
}

const getObject = (r: ObjectRef): Promise<KubeObject | undefined> => getObjectIn(kube, r);

async function crdVersions(): Promise<string[]> {
  const versions: string[] = [];
  for (const crd of generateCrds()) {
    const name = crd.metadata.name ?? '';
    const live = await getObject({ apiVersion: crd.apiVersion, kind: crd.kind, name });
    versions.push(`${name}@${live?.metadata.resourceVersion ?? 'missing'}`);
  }
  return versions;
}

before(async () => {
  kube = createKubeClient({ kubeconfig: testCluster().kubeconfig });
  const run = await moor(['install']);
  assert.equal(run.code, 0, run.stderr);
});

void test('moor install: one line per CRD, Established; a second install changes nothing', async () => {
  const first = await crdVersions();
  assert.ok(
    first.every((v) => !v.endsWith('@missing')),
    first.join(', '),
  );
  const run = await moor(['install']);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  assert.deepEqual(
    lines,
    generateCrds().map((c) => `✔ CustomResourceDefinition/${c.metadata.name} unchanged`),
  );
  assert.deepEqual(await crdVersions(), first, 'resourceVersions unchanged');
});

void test('moor install --export prints valid YAML documents of every install kind', async () => {
  const run = await moor(['install', '--export']);
  assert.equal(run.code, 0, run.stderr);
  const docs = parseAllDocuments(run.stdout);
  assert.ok(docs.every((d) => d.errors.length === 0));
  const kinds = new Set(docs.map((d) => (d.toJS() as KubeObject).kind));
  assert.deepEqual([...kinds].sort(), [
    'ClusterRole',
    'ClusterRoleBinding',
    'CustomResourceDefinition',
    'Deployment',
    'Namespace',
    'NetworkPolicy',
    'Role',
    'RoleBinding',
    'Service',
    'ServiceAccount',
  ]);
});

void test('moor create source git, then get sources shows it (table and JSON)', async (t) => {
  const ns = await testNamespace(t, 'cli-source');
  const args = [
    '-n',
    ns,
    'create',
    'source',
    'git',
    'repo',
    '--url',
    'https://example.com/r.git',
    '--tag',
    'v1.0.0',
    '--interval',
    '2m',
  ];
  const created = await moor(args);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.stdout, `✔ GitRepository/${ns}/repo created\n`);
  assert.equal((await moor(args)).stdout, `✔ GitRepository/${ns}/repo unchanged\n`);

  const json = await moor(['-n', ns, 'get', 'sources', '-o', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const list = JSON.parse(json.stdout) as { kind: string; items: KubeObject[] };
  assert.equal(list.kind, 'List');
  assert.deepEqual(
    list.items.map((i) => [i.metadata.name, i.spec]),
    [
      [
        'repo',
        {
          url: 'https://example.com/r.git',
          ref: { tag: 'v1.0.0' },
          interval: '2m',
          timeout: '60s',
          suspend: false,
        },
      ],
    ],
  );

  const table = await moor(['get', 'gitrepositories', '-n', ns]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^NAME +READY +REVISION +SUSPENDED +MESSAGE\nrepo +- +- +false\n$/);
  const all = await moor(['get', 'source', '-A']);
  assert.match(all.stdout, new RegExp(`^${ns} +repo +-`, 'm'));
});

void test('moor create sync, then get syncs shows it with its in-sync column', async (t) => {
  const ns = await testNamespace(t, 'cli-sync');
  await createSourceAndSync(ns);
  const live = await getObject(ref('Sync', ns, 'web'));
  assert.deepEqual((live?.spec as { sourceRef: unknown }).sourceRef, {
    kind: 'GitRepository',
    name: 'repo',
  });
  assert.equal((live?.spec as { prune: boolean }).prune, true);

  const table = await moor(['-n', ns, 'get', 'syncs']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(
    table.stdout,
    /^NAME +READY +REVISION +IN-SYNC +SUSPENDED +MESSAGE\nweb +- +- +- +false\n$/,
  );
  const yaml = parse(
    (await moor(['-n', ns, 'get', 'sync', 'web', '-o', 'yaml'])).stdout,
  ) as KubeObject;
  assert.equal(yaml.metadata.name, 'web');
  assert.equal(yaml.metadata.managedFields, undefined);
});

void test('invalid flags exit 2 with a clear message and create nothing', async (t) => {
  const ns = await testNamespace(t, 'cli-invalid');
  const twoRefs = await moor([
    '-n',
    ns,
    'create',
    'source',
    'git',
    'repo',
    '--url',
    'https://e.com/r',
    '--branch',
    'main',
    '--tag',
    'v1',
  ]);
  assert.equal(twoRefs.code, 2);
  assert.match(
    twoRefs.stderr,
    new RegExp(
      `GitRepository/${ns}/repo: give exactly one of --branch, --tag, --semver, --commit \\(got --branch, --tag\\)`,
    ),
  );
  assert.equal(await getObject(ref('GitRepository', ns, 'repo')), undefined);

  const drift = await moor([
    '-n',
    ns,
    'create',
    'sync',
    'web',
    '--source',
    'repo',
    '--drift-mode',
    'Sometimes',
  ]);
  assert.equal(drift.code, 2);
  assert.match(
    drift.stderr,
    /--drift-mode <mode>' argument 'Sometimes' is invalid\. Allowed choices are Correct, Alert, Ignore/,
  );
  assert.equal(await getObject(ref('Sync', ns, 'web')), undefined);

  const missing = await moor(['-n', ns, 'status', 'sync', 'nope']);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, `error: Sync/${ns}/nope not found\n`);
});

void test('moor suspend and resume flip spec.suspend', async (t) => {
  const ns = await testNamespace(t, 'cli-suspend');
  await createSourceAndSync(ns);
  const suspendOf = async (kind: string, name: string) =>
    ((await getObject(ref(kind, ns, name)))?.spec as { suspend?: boolean }).suspend;

  const suspended = await moor(['-n', ns, 'suspend', 'sync', 'web']);
  assert.equal(suspended.code, 0, suspended.stderr);
  assert.equal(suspended.stdout, `✔ Sync/${ns}/web suspended\n`);
  assert.equal(await suspendOf('Sync', 'web'), true);
  assert.match((await moor(['-n', ns, 'get', 'syncs'])).stdout, /web +- +- +- +true/);

  assert.equal((await moor(['-n', ns, 'resume', 'sync', 'web'])).code, 0);
  assert.equal(await suspendOf('Sync', 'web'), false);

  assert.equal((await moor(['-n', ns, 'suspend', 'source', 'repo'])).code, 0);
  assert.equal(await suspendOf('GitRepository', 'repo'), true);
  const gone = await moor(['-n', ns, 'resume', 'sync', 'nope']);
  assert.equal(gone.code, 2);
  assert.match(gone.stderr, new RegExp(`Sync/${ns}/nope not found`));
});

void test('moor reconcile sets the reconcile annotation to a new value', async (t) => {
  const ns = await testNamespace(t, 'cli-reconcile');
  await createSourceAndSync(ns);
  const annotationOf = async () =>
    (await getObject(ref('Sync', ns, 'web')))?.metadata.annotations?.[
      'moor.dev/reconcile-requested-at'
    ];
  const startedAt = Date.now();
  const run = await moor(['-n', ns, 'reconcile', 'sync', 'web']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`reconcile requested for Sync/${ns}/web`));
  const first = await annotationOf();
  assert.ok(first && Date.parse(first) >= startedAt - 1000, String(first));
  await sleep(5);
  assert.equal((await moor(['-n', ns, 'reconcile', 'sync', 'web'])).code, 0);
  assert.notEqual(await annotationOf(), first, 'a second request is a new value');
});

void test('moor reconcile --wait with no operator times out with exit 2 and says what it waited for', async (t) => {
  const ns = await testNamespace(t, 'cli-wait-timeout');
  await createSourceAndSync(ns);
  const started = performance.now();
  const run = await moor([
    '-n',
    ns,
    'reconcile',
    'sync',
    'web',
    '--wait',
    '--no-source',
    '--timeout',
    '3s',
  ]);
  const took = performance.now() - started;
  assert.equal(run.code, 2);
  assert.match(run.stdout, /◎ waiting: the operator has not handled the reconcile request yet/);
  assert.match(
    run.stderr,
    new RegExp(
      `^error: timed out after 3s waiting for Sync/${ns}/web: the operator has not handled the reconcile request yet \\(is \`moor operator\` running\\?\\)\\n$`,
    ),
  );
  assert.ok(took >= 3000 && took < 20_000, `took ${took}ms`);

  // Without --no-source, --wait first waits for the source to fetch, and says so.
  const withSource = await moor([
    '-n',
    ns,
    'reconcile',
    'sync',
    'web',
    '--wait',
    '--timeout',
    '3s',
  ]);
  assert.equal(withSource.code, 2);
  assert.match(
    withSource.stderr,
    new RegExp(
      `^error: timed out after 3s waiting for GitRepository/${ns}/repo: the operator has not handled the reconcile request yet`,
    ),
  );
});

/** Plays the operator: once the annotation appears, writes the status `statusFor` returns. */
async function answerReconcile(
  ns: string,
  statusFor: (requested: string) => Record<string, unknown>,
) {
  for (let i = 0; i < 200; i++) {
    const requested = (await getObject(ref('Sync', ns, 'web')))?.metadata.annotations?.[
      'moor.dev/reconcile-requested-at'
    ];
    if (requested) {
      must(
        await kube.patchStatus(
          ref('Sync', ns, 'web'),
          statusFor(requested),
          { fieldManager: 'moor-test' },
          signal(),
        ),
      );
      return;
    }
    await sleep(100);
  }
  throw new Error('the CLI never requested a reconcile');
}

void test('moor reconcile --wait returns once the newest revision is applied, and fails on a terminal reason', async (t) => {
  const ns = await testNamespace(t, 'cli-wait');
  await createSourceAndSync(ns);
  const artifact = {
    revision: REV,
    digest: `sha256:${'0'.repeat(64)}`,
    lastUpdateTime: new Date().toISOString(),
  };
  must(
    await kube.patchStatus(
      ref('GitRepository', ns, 'repo'),
      { artifact },
      { fieldManager: 'moor-test' },
      signal(),
    ),
  );

  const [ok] = await Promise.all([
    moor(['-n', ns, 'reconcile', 'sync', 'web', '--wait', '--no-source', '--timeout', '30s']),
    answerReconcile(ns, (requested) => ({
      lastHandledReconcileAt: requested,
      observedGeneration: 1,
      lastAppliedRevision: REV,
      conditions: [condition('Ready', 'True', 'Succeeded', `Applied revision ${REV}`)],
    })),
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, new RegExp(`✔ Sync/${ns}/web: applied revision ${REV}\\n$`));

  must(
    await kube.mergePatch(
      ref('Sync', ns, 'web'),
      { metadata: { annotations: { 'moor.dev/reconcile-requested-at': null } } },
      signal(),
    ),
  );
  const [failed] = await Promise.all([
    moor(['-n', ns, 'reconcile', 'sync', 'web', '--wait', '--no-source', '--timeout', '30s']),
    answerReconcile(ns, (requested) => ({
      lastHandledReconcileAt: requested,
      conditions: [
        condition(
          'Ready',
          'False',
          'ApplyFailed',
          'Deployment/apps/web: spec.replicas: Invalid value',
        ),
      ],
    })),
  ]);
  assert.equal(failed.code, 2);
  assert.equal(
    failed.stderr,
    `error: Sync/${ns}/web: ApplyFailed: Deployment/apps/web: spec.replicas: Invalid value\n`,
  );
});

void test('moor status sync shows the conditions, inventory, drift and events written to the Sync', async (t) => {
  const ns = await testNamespace(t, 'cli-status');
  await createSourceAndSync(ns);
  must(
    await kube.patchStatus(
      ref('Sync', ns, 'web'),
      {
        observedGeneration: 1,
        lastAppliedRevision: REV,
        lastAttemptedRevision: REV,
        conditions: [
          condition('Ready', 'True', 'Succeeded', `Applied revision ${REV}`),
          condition('InSync', 'False', 'Diverged', '1 object differs from Git'),
        ],
        inventory: {
          entries: [
            { group: 'apps', kind: 'Deployment', namespace: ns, name: 'web', version: 'v1' },
          ],
        },
        drift: {
          since: new Date().toISOString(),
          objects: [
            {
              group: 'apps',
              kind: 'Deployment',
              namespace: ns,
              name: 'web',
              fields: [{ path: 'spec.replicas', manager: 'kubectl-edit', desired: '3', live: '5' }],
            },
          ],
        },
      },
      { fieldManager: 'moor-test' },
      signal(),
    ),
  );
  await createEvent(ns, 'web', 'Warning', 'Diverged', 'spec.replicas set to 5 by kubectl-edit');

  const run = await moor(['-n', ns, 'status', 'sync', 'web']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`^Sync ${ns}/web\\n`));
  assert.match(run.stdout, new RegExp(`Last applied: +${REV}`));
  assert.match(run.stdout, /Ready +True +Succeeded +\d+s +Applied revision/);
  assert.match(run.stdout, /InSync +False +Diverged +\d+s +1 object differs from Git/);
  assert.match(run.stdout, new RegExp(`Deployment +${ns}/web`));
  assert.match(run.stdout, /spec\.replicas +kubectl-edit +- +3 +5/);
  assert.match(run.stdout, /Warning +Diverged +spec\.replicas set to 5 by kubectl-edit/);

  const json = JSON.parse(
    (await moor(['-n', ns, 'status', 'sync', 'web', '-o', 'json'])).stdout,
  ) as KubeObject;
  assert.equal((json.status as { lastAppliedRevision: string }).lastAppliedRevision, REV);
});

let eventCount = 0;

type EventFields = { name: string; type: string; reason: string; message: string };

function createEvent(ns: string, name: string, type: string, reason: string, message: string) {
  return createEventAt(ns, { name, type, reason, message }, new Date());
}

async function createEventAt(ns: string, { name, type, reason, message }: EventFields, at: Date) {
  const now = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  eventCount += 1;
  must(
    await kube.create(
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: {
          name: `${name}.${reason.toLowerCase()}.${Date.now()}.${eventCount}`,
          namespace: ns,
        },
        involvedObject: { apiVersion: GV, kind: 'Sync', namespace: ns, name },
        type,
        reason,
        message,
        source: { component: 'moor-test' },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
      signal(),
    ),
  );
}

void test('moor events lists Events about Moor objects, filtered by object and type', async (t) => {
  const ns = await testNamespace(t, 'cli-events');
  await createEvent(ns, 'web', 'Normal', 'ChangeCommitted', `new revision ${REV}`);
  await createEvent(ns, 'other', 'Warning', 'ApplyFailed', 'Deployment/x/y: invalid');

  const all = await moor(['-n', ns, 'events']);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE\n/);
  assert.match(all.stdout, /Normal +ChangeCommitted +Sync\/web +new revision main@sha1:c+/);
  assert.match(all.stdout, /Warning +ApplyFailed +Sync\/other +Deployment\/x\/y: invalid/);

  const forWeb = await moor(['-n', ns, 'events', '--for', 'sync/web']);
  assert.doesNotMatch(forWeb.stdout, /ApplyFailed/);
  assert.match(forWeb.stdout, /ChangeCommitted/);

  const warnings = JSON.parse(
    (await moor(['-n', ns, 'events', '--type', 'Warning', '-o', 'json'])).stdout,
  ) as {
    items: KubeObject[];
  };
  assert.deepEqual(
    warnings.items.map((e) => e.reason),
    ['ApplyFailed'],
  );

  const everywhere = await moor(['events', '-A', '--for', 'sync/web']);
  assert.match(everywhere.stdout, new RegExp(`^${ns} +\\d+s +Normal +ChangeCommitted`, 'm'));
});

const NEW_REV = `main@sha1:${'d'.repeat(40)}`;

/**
 * Plays the operator for the source and the Sync until `stop` aborts: answers every new reconcile
 * request as Moor does. The source fetches `fetches`; the Sync applies what the source's artifact
 * names at that moment.
 */
async function playOperator(ns: string, fetches: string, stop: AbortSignal): Promise<void> {
  const annotation = (o: KubeObject | undefined) =>
    o?.metadata.annotations?.['moor.dev/reconcile-requested-at'];
  const handled = (o: KubeObject | undefined) =>
    (o?.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt;
  const write = async (kind: string, name: string, status: Record<string, unknown>) =>
    must(
      await kube.patchStatus(ref(kind, ns, name), status, { fieldManager: 'moor-test' }, signal()),
    );
  while (!stop.aborted) {
    const source = await getObject(ref('GitRepository', ns, 'repo'));
    const requested = annotation(source);
    if (requested && requested !== handled(source)) {
      await write('GitRepository', 'repo', {
        lastHandledReconcileAt: requested,
        observedGeneration: 1,
        artifact: {
          revision: fetches,
          digest: `sha256:${'1'.repeat(64)}`,
          lastUpdateTime: new Date().toISOString(),
        },
        conditions: [condition('Ready', 'True', 'Succeeded', `stored artifact for ${fetches}`)],
      });
    }
    const sync = await getObject(ref('Sync', ns, 'web'));
    const syncRequested = annotation(sync);
    if (syncRequested && syncRequested !== handled(sync)) {
      const live = await getObject(ref('GitRepository', ns, 'repo'));
      const revision = (live?.status as { artifact?: { revision?: string } } | undefined)?.artifact
        ?.revision;
      await write('Sync', 'web', {
        lastHandledReconcileAt: syncRequested,
        observedGeneration: 1,
        lastAppliedRevision: revision,
        conditions: [
          condition('Ready', 'True', 'Succeeded', `Applied revision ${revision}`),
          condition('Healthy', 'True', 'Healthy', 'all objects are healthy'),
        ],
      });
    }
    await sleep(100);
  }
}

/** A source whose artifact is REV and a Sync that applied it. */
async function appliedOldRevision(ns: string): Promise<void> {
  await createSourceAndSync(ns);
  const artifact = {
    revision: REV,
    digest: `sha256:${'0'.repeat(64)}`,
    lastUpdateTime: new Date().toISOString(),
  };
  must(
    await kube.patchStatus(
      ref('GitRepository', ns, 'repo'),
      {
        artifact,
        observedGeneration: 1,
        conditions: [condition('Ready', 'True', 'Succeeded', 'stored')],
      },
      { fieldManager: 'moor-test' },
      signal(),
    ),
  );
  must(
    await kube.patchStatus(
      ref('Sync', ns, 'web'),
      {
        lastAppliedRevision: REV,
        observedGeneration: 1,
        conditions: [condition('Ready', 'True', 'Succeeded', `Applied revision ${REV}`)],
      },
      { fieldManager: 'moor-test' },
      signal(),
    ),
  );
}

async function withOperator(ns: string, fetches: string, run: () => Promise<Run>): Promise<Run> {
  const stop = new AbortController();
  const operator = playOperator(ns, fetches, stop.signal);
  try {
    return await run();
  } finally {
    stop.abort();
    await operator;
  }
}

void test('moor reconcile sync --wait fetches the source first and succeeds only on the revision it fetched', async (t) => {
  const ns = await testNamespace(t, 'cli-wait-source');
  await appliedOldRevision(ns);
  const run = await withOperator(ns, NEW_REV, () =>
    moor(['-n', ns, 'reconcile', 'sync', 'web', '--wait', '--timeout', '30s']),
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`^► reconcile requested for GitRepository/${ns}/repo\\n`));
  assert.match(
    run.stdout,
    new RegExp(`✔ GitRepository/${ns}/repo: fetched revision ${NEW_REV}\\n`),
  );
  assert.match(run.stdout, new RegExp(`✔ Sync/${ns}/web: applied revision ${NEW_REV}\\n$`));
  // The operator answered at once: no hint that it might not be running.
  assert.doesNotMatch(run.stdout, /has not handled/);
});

void test('moor reconcile sync --wait --no-source leaves the source alone and waits for what it has', async (t) => {
  const ns = await testNamespace(t, 'cli-wait-nosource');
  await appliedOldRevision(ns);
  const run = await withOperator(ns, NEW_REV, () =>
    moor(['-n', ns, 'reconcile', 'sync', 'web', '--wait', '--no-source', '--timeout', '30s']),
  );
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stdout, /GitRepository/);
  assert.match(run.stdout, new RegExp(`✔ Sync/${ns}/web: applied revision ${REV}\\n$`));
  const source = await getObject(ref('GitRepository', ns, 'repo'));
  assert.equal(source?.metadata.annotations?.['moor.dev/reconcile-requested-at'], undefined);
});

void test('moor create … --wait blocks until the source has fetched and the Sync has applied it', async (t) => {
  const ns = await testNamespace(t, 'cli-create-wait');
  const created = await withOperator(ns, NEW_REV, async () => {
    const source = await moor([
      '-n',
      ns,
      'create',
      'source',
      'git',
      'repo',
      '--url',
      'https://example.com/r.git',
      '--branch',
      'main',
      '--wait',
      '--wait-timeout',
      '30s',
    ]);
    assert.equal(source.code, 0, source.stderr);
    assert.match(
      source.stdout,
      new RegExp(`✔ GitRepository/${ns}/repo: fetched revision ${NEW_REV}\\n$`),
    );
    return moor([
      '-n',
      ns,
      'create',
      'sync',
      'web',
      '--source',
      'repo',
      '--wait',
      '--wait-timeout',
      '30s',
    ]);
  });
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, new RegExp(`^✔ Sync/${ns}/web created\\n`));
  assert.match(created.stdout, new RegExp(`✔ Sync/${ns}/web: applied revision ${NEW_REV}\\n$`));
  const live = await getObject(ref('Sync', ns, 'web'));
  assert.equal((live?.spec as { wait?: boolean }).wait, true);
});

void test('moor create with an invalid URL, path or interval exits 2 and writes nothing', async (t) => {
  const ns = await testNamespace(t, 'cli-create-invalid');
  const badUrl = await moor([
    '-n',
    ns,
    'create',
    'source',
    'git',
    'repo',
    '--url',
    'ftp://e.com/r',
    '--branch',
    'main',
  ]);
  assert.equal(badUrl.code, 2);
  assert.match(
    badUrl.stderr,
    new RegExp(`^error: GitRepository/${ns}/repo: --url: .*unsupported scheme ftp:`),
  );
  const fast = await moor([
    '-n',
    ns,
    'create',
    'source',
    'git',
    'repo',
    '--url',
    'https://e.com/r',
    '--branch',
    'main',
    '--interval',
    '100ms',
  ]);
  assert.equal(fast.code, 2);
  assert.match(
    fast.stderr,
    new RegExp(`^error: GitRepository/${ns}/repo: --interval: must be at least 1s`),
  );
  assert.equal(await getObject(ref('GitRepository', ns, 'repo')), undefined);
  const escape = await moor([
    '-n',
    ns,
    'create',
    'sync',
    'web',
    '--source',
    'repo',
    '--path',
    '../../etc',
  ]);
  assert.equal(escape.code, 2);
  assert.match(escape.stderr, /--path: path \.\.\/\.\.\/etc is outside/);
  assert.equal(await getObject(ref('Sync', ns, 'web')), undefined);
});

void test('moor get sources git lists the same as get sources (the Flux habit)', async (t) => {
  const ns = await testNamespace(t, 'cli-get-git');
  await createSourceAndSync(ns);
  const plain = await moor(['-n', ns, 'get', 'sources']);
  assert.equal(plain.code, 0, plain.stderr);
  const git = await moor(['-n', ns, 'get', 'sources', 'git']);
  assert.equal(git.code, 0, git.stderr);
  assert.equal(git.stdout, plain.stdout);
  assert.match(git.stdout, /^NAME +READY +REVISION +SUSPENDED +MESSAGE\nrepo +/);
  const one = await moor(['-n', ns, 'get', 'sources', 'git', 'repo', '-o', 'json']);
  assert.equal((JSON.parse(one.stdout) as KubeObject).metadata.name, 'repo');
  const all = await moor(['get', 'sources', 'git', '-A']);
  assert.match(all.stdout, new RegExp(`^${ns} +repo +`, 'm'));
});

void test('moor events shows the newest 50 unless --limit says otherwise, --since cuts by time, --watch follows', async (t) => {
  const ns = await testNamespace(t, 'cli-events-limit');
  const hoursAgo = new Date(Date.now() - 2 * 3600_000);
  const old = { name: 'web', type: 'Normal', reason: 'OldNews', message: 'from two hours ago' };
  await createEventAt(ns, old, hoursAgo);
  for (let i = 0; i < 60; i++) {
    await createEvent(ns, 'web', 'Normal', 'Applied', `apply ${String(i).padStart(2, '0')}`);
  }
  const rows = (text: string) => text.trim().split('\n').slice(1);
  const byDefault = await moor(['-n', ns, 'events']);
  assert.equal(byDefault.code, 0, byDefault.stderr);
  assert.equal(rows(byDefault.stdout).length, 50);
  assert.match(byDefault.stderr, /the newest 50 of 61; --limit 0 shows all/);
  const five = await moor(['-n', ns, 'events', '--limit', '5']);
  assert.equal(rows(five.stdout).length, 5);
  assert.match(five.stdout, /apply 59/);
  assert.equal(rows((await moor(['-n', ns, 'events', '--limit', '0'])).stdout).length, 61);
  const lastHour = await moor(['-n', ns, 'events', '--since', '1h', '--limit', '0']);
  assert.equal(rows(lastHour.stdout).length, 60);
  assert.doesNotMatch(lastHour.stdout, /OldNews/);

  const watching = moorRunning(['-n', ns, 'events', '--watch', '--limit', '1']);
  for (let i = 0; i < 100 && !/apply 59/.test(watching.stdout()); i++) await sleep(100);
  await createEvent(ns, 'web', 'Warning', 'Diverged', 'spec.replicas set to 5 by kubectl-edit');
  for (let i = 0; i < 100 && !/Diverged/.test(watching.stdout()); i++) await sleep(100);
  const watched = await watching.interrupt();
  assert.match(
    watched.stdout,
    /^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE\n.*apply 59\n.*Warning +Diverged +Sync\/web +spec\.replicas set to 5/,
  );
});
