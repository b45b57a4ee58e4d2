// Property: wherever a SIGKILL lands while the operator applies a revision that creates, changes
// and prunes objects, a restart converges to what a clean apply of that revision leaves: the same
// objects with the same values and field managers, nothing unlabelled, nothing outside the
// inventory. Kill points are drawn from a window measured on a first clean apply, with a seed that
// is printed (MOOR_CRASH_SEED=N repeats a run).
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../../src/kube/index.ts';
import { clusterTest as test, testNamespace } from '../helpers/cluster.ts';
import { createTestRepo, fileUrl, type TestRepo } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  getSync,
  gitRepository,
  installCrds,
  startOperator,
  sync,
  testKube,
  waitSyncReady,
  type RunningOperator,
} from '../helpers/operator.ts';
import {
  changesOf,
  filesOf,
  makeRevisions,
  normalise,
  seededRandom,
  type RevisionState,
} from './crash-revisions.ts';

const SEED = Number(process.env.MOOR_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const POOL = 100;
/** Kills that must land before the apply finished; MOOR_CRASH_KILLS=N asks for more. */
const MIN_KILLS = Math.max(30, Number(process.env.MOOR_CRASH_KILLS ?? 0));
/** Kills per round that land before the Sync is Ready on the round's revision. */
const KILLS_PER_ROUND = 10;
/**
 * Revisions at most; rounds go on until MIN_KILLS kills landed mid-apply. An apply that finishes
 * early in its window (a quick machine) lets most of a round's kills land after Ready, so there is
 * room for rounds of two or three kills each.
 */
const REVISIONS = 2 + 8 * Math.ceil(MIN_KILLS / KILLS_PER_ROUND);

function at(revisions: readonly RevisionState[], i: number): RevisionState {
  const r = revisions[i];
  if (!r) throw new Error(`no revision ${i}`);
  return r;
}

type World = {
  t: TestContext;
  kube: KubeClient;
  repo: TestRepo;
  /** Where the operator is killed. */
  ns: string;
  /** Where another operator applies the same revisions without interruption. */
  clean: string;
};

async function declare(kube: KubeClient, ns: string, repo: TestRepo): Promise<void> {
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'app', {
      sourceRef: { name: 'src' },
      path: './deploy',
      targetNamespace: ns,
      prune: true,
    }),
  );
}

type Snapshot = { objects: Map<string, unknown>; unlabelled: string[]; inventory: string[] };

async function snapshot(kube: KubeClient, ns: string): Promise<Snapshot> {
  const res = await kube.list('v1', 'ConfigMap', { namespace: ns }, AbortSignal.timeout(10_000));
  if (!res.ok) throw res.error;
  const objects = new Map<string, unknown>();
  const unlabelled: string[] = [];
  for (const o of res.value.items) {
    const name = o.metadata.name ?? '';
    if (name === 'kube-root-ca.crt') continue; // The API server's own, in every namespace.
    if (o.metadata.labels?.['moor.dev/history-of']) continue; // The Sync's apply history.
    if (o.metadata.labels?.['moor.dev/sync-name'] !== 'app') unlabelled.push(name);
    objects.set(name, normalise(o, ns));
  }
  const s = await getSync(kube, ns, 'app');
  const entries = (s?.status as { inventory?: { entries: { name: string }[] } } | undefined)
    ?.inventory?.entries;
  return { objects, unlabelled, inventory: (entries ?? []).map((e) => e.name).sort() };
}

/** The crashed namespace holds exactly what the clean one holds, and what `state` declares. */
async function assertConverged(w: World, state: RevisionState, sha: string, what: string) {
  await waitSyncReady(w.kube, w.ns, 'app', sha, 120_000);
  await waitSyncReady(w.kube, w.clean, 'app', sha, 120_000);
  const crashed = await snapshot(w.kube, w.ns);
  const clean = await snapshot(w.kube, w.clean);
  const names = [...state.keys()].sort();
  assert.deepEqual(crashed.unlabelled, [], `${what}: unlabelled ConfigMaps`);
  assert.deepEqual([...crashed.objects.keys()].sort(), names, `${what}: objects differ from Git`);
  assert.deepEqual(crashed.inventory, names, `${what}: inventory differs from Git`);
  for (const [name, data] of state) {
    const got = (crashed.objects.get(name) as { data: unknown } | undefined)?.data;
    assert.deepEqual(got, data, `${what}: ConfigMap ${name} has other values`);
  }
  assert.deepEqual(clean.inventory, names, `${what}: the clean apply's inventory differs from Git`);
  assert.deepEqual(crashed.objects, clean.objects, `${what}: objects differ from a clean apply`);
}

/** Starts the operator on the crashed namespace; it is stopped when the test ends. */
async function start(w: World): Promise<RunningOperator> {
  const op = await startOperator({ namespace: w.ns });
  w.t.after(() => op.stop());
  return op;
}

/**
 * Waits for the operator to log that it started (its informers synced): the clock's zero. Read
 * from its output as it comes (not by rereading its log file), and an operator that exits first
 * says so, with its log's last lines.
 */
function started(op: RunningOperator): Promise<void> {
  return op.started(120_000);
}

/** The Sync's state on `sha`: intent recorded, and Ready on it. */
async function progressOf(w: World, sha: string) {
  const s = await getSync(w.kube, w.ns, 'app');
  const st = s?.status as
    { lastAttemptedRevision?: string; lastAppliedRevision?: string } | undefined;
  const ready = conditionOf(s, 'Ready')?.status === 'True';
  return {
    intent: st?.lastAttemptedRevision?.endsWith(sha) === true,
    done: ready && st?.lastAppliedRevision?.endsWith(sha) === true,
  };
}

/** Milliseconds from the operator's start to it recording its intent and to Ready, on `sha`. */
async function measureCleanApply(w: World, sha: string) {
  const op = await start(w);
  await started(op);
  const t0 = performance.now();
  let intentMs = 0;
  while (performance.now() - t0 < 120_000) {
    const p = await progressOf(w, sha);
    if (!intentMs && p.intent) intentMs = performance.now() - t0;
    if (p.done) {
      const readyMs = performance.now() - t0;
      await op.stop();
      return { intentMs: intentMs || readyMs, readyMs };
    }
    await sleep(20);
  }
  throw new Error(`Sync ${w.ns}/app not Ready on ${sha.slice(0, 8)} within 120 s`);
}

type Window = { fromMs: number; toMs: number };

/** One kill `at` ms after the operator started; true when it landed before the apply finished. */
async function killOnce(w: World, sha: string, at: number): Promise<boolean> {
  const op = await start(w);
  await started(op);
  await sleep(at);
  await op.kill();
  await sleep(250); // Requests the process sent before it died still land.
  return !(await progressOf(w, sha)).done;
}

/**
 * Kills until KILLS_PER_ROUND landed mid-apply, or one came after the apply finished (every later
 * one would too). When that is the round's first kill, a whole apply took less than the window
 * says: the window ends there from then on (not under a second), so kills land inside the apply.
 */
async function crashRound(w: World, random: () => number, window: Window, sha: string) {
  const points: string[] = [];
  let interrupted = 0;
  while (interrupted < KILLS_PER_ROUND) {
    const at = Math.round(window.fromMs + random() * (window.toMs - window.fromMs));
    const mid = await killOnce(w, sha, at);
    points.push(`${at}${mid ? '' : ' (after Ready)'}`);
    if (!mid) {
      if (points.length === 1) window.toMs = Math.max(1_000, at);
      break;
    }
    interrupted++;
  }
  // A kill that came after Ready left the revision applied by a restart that began where an
  // earlier kill left off: that restart converged, so no further one is needed to check it.
  const readyAtEnd = interrupted < KILLS_PER_ROUND;
  return { interrupted, points, readyAtEnd };
}

async function run(t: TestContext, random: () => number): Promise<void> {
  const kube = testKube();
  await installCrds(kube);
  const revisions = makeRevisions(random, POOL, REVISIONS);
  const repo = await createTestRepo({});
  t.after(() => repo.close());
  const sha0 = await repo.commit(filesOf(at(revisions, 0), POOL), 'revision 0');
  const w: World = {
    t,
    kube,
    repo,
    ns: await testNamespace(t, 'op-crash-prop'),
    clean: await testNamespace(t, 'op-crash-clean'),
  };
  const reference = await startOperator({ namespace: w.clean });
  t.after(() => reference.stop());
  await declare(kube, w.clean, repo);
  await declare(kube, w.ns, repo);
  const first = await start(w);
  await assertConverged(w, at(revisions, 0), sha0, 'revision 0');
  await first.stop();

  // A first clean apply of a revision that creates, changes and prunes: the window to kill in.
  const sha1 = await repo.commit(filesOf(at(revisions, 1), POOL), 'revision 1');
  const clean = await measureCleanApply(w, sha1);
  await assertConverged(w, at(revisions, 1), sha1, 'revision 1 (clean)');
  const window = { fromMs: 0, toMs: Math.round(clean.readyMs) };
  t.diagnostic(
    `clean apply, from the operator's start: intent recorded after ${Math.round(clean.intentMs)} ms, Ready after ${Math.round(clean.readyMs)} ms; killing in ${window.fromMs}–${window.toMs} ms`,
  );

  let kills = 0;
  for (let r = 2; r < revisions.length && kills < MIN_KILLS; r++) {
    const state = at(revisions, r);
    const c = changesOf(at(revisions, r - 1), state);
    assert.ok(
      c.created.length && c.changed.length && c.pruned.length,
      `revision ${r} does not create, change and prune`,
    );
    const sha = await repo.commit(filesOf(state, POOL), `revision ${r}`);
    const round = await crashRound(w, random, window, sha);
    kills += round.interrupted;
    t.diagnostic(
      `revision ${r} (+${c.created.length} ~${c.changed.length} -${c.pruned.length}): killed at ${round.points.join(', ')} ms; window now ${window.toMs} ms`,
    );
    const what = `revision ${r} after ${round.points.length} kills`;
    if (round.readyAtEnd) await assertConverged(w, state, sha, what);
    else {
      const last = await start(w);
      await assertConverged(w, state, sha, what);
      await last.stop();
    }
  }
  t.diagnostic(`${kills} kills before the apply finished`);
  assert.ok(kills >= MIN_KILLS, `only ${kills} of the kills landed before the apply finished`);
}

test('property: a SIGKILL anywhere in an apply, then a restart, leaves what a clean apply leaves', async (t) => {
  t.diagnostic(`seed ${SEED} (MOOR_CRASH_SEED=${SEED} repeats the kill points)`);
  try {
    await run(t, seededRandom(SEED));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`seed ${SEED}: ${message}`, { cause: error });
  }
});
