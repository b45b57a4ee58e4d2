// Take-over after the leader dies: two operators with --leader-elect and the default 15 s Lease
// (as the exported Deployment runs them) on one Sync; the leader is killed with SIGKILL (it
// releases nothing) and a commit is pushed at the same moment. Timed from the kill: until the
// standby holds the Lease, and until the Sync is Ready on that commit. The killed operator is
// started again as the standby and the next round kills the new leader.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../../src/core/index.ts';
import { configMapYaml } from '../../test/helpers/operator.ts';
import { createTestRepo, fileUrl } from '../../test/helpers/git-server.ts';
import {
  createNamespace,
  deleteNamespaces,
  startBenchOperator,
  withCleanup,
  type BenchContext,
} from '../lib/context.ts';
import type { BenchOperator } from '../lib/operator.ts';
import { applyAs, MOOR_API, sourceObject, syncObject } from '../lib/resources.ts';
import { median, round } from '../lib/stats.ts';
import { conditionOf, isReadyOn, trackKind } from '../lib/watch.ts';

const LEASE = 'moor-operator-leader';
const LEASE_SECONDS = 15;
const ROUNDS = 2;
/** The lease, a retry period late, plus a loaded machine's margin. */
const TAKEOVER_TIMEOUT_MS = 90_000;

type Candidate = { identity: string; operator: BenchOperator };

const holderOf = (lease: KubeObject): string | undefined =>
  (lease.spec as { holderIdentity?: string } | undefined)?.holderIdentity;

function startCandidate(
  ctx: BenchContext,
  namespace: string,
  identity: string,
): Promise<BenchOperator> {
  return startBenchOperator(ctx, namespace, {
    extraArgs: [
      '--leader-elect',
      '--leader-elect-identity',
      identity,
      '--leader-elect-namespace',
      namespace,
      '--leader-elect-lease-duration',
      `${LEASE_SECONDS}s`,
    ],
  });
}

/** Waits (bounded) until both candidates answer /readyz: the standby's caches are warm. */
async function waitReady(candidates: readonly Candidate[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (const { operator, identity } of candidates) {
    for (;;) {
      const res = await fetch(`${operator.url}/readyz`).catch(() => undefined);
      if (res?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`operator ${identity} is not ready after 60 s`);
      await sleep(200);
    }
  }
}

export async function runTakeover(ctx: BenchContext): Promise<Record<string, unknown>> {
  const repo = await createTestRepo({
    name: 'takeover',
    files: { 'deploy/cm.yaml': configMapYaml('settings', { rev: '0' }) },
  });
  return withCleanup(async (defer) => {
    defer(() => repo.close());
    const namespace = await createNamespace(ctx, 'takeover');
    defer(() => deleteNamespaces(ctx, [namespace]));
    const target = { namespace };
    const leases = await trackKind(
      ctx.kube,
      { ...target, apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' },
      ctx.signal,
    );
    defer(() => Promise.resolve(leases.stop()));
    const syncs = await trackKind(
      ctx.kube,
      { ...target, apiVersion: MOOR_API, kind: 'Sync' },
      ctx.signal,
    );
    defer(() => Promise.resolve(syncs.stop()));

    const running = new Map<string, BenchOperator>();
    defer(() => Promise.all([...running.values()].map((op) => op.stop())).then(() => undefined));
    for (const identity of ['op-a', 'op-b'])
      running.set(identity, await startCandidate(ctx, namespace, identity));
    await applyAs(ctx, sourceObject(namespace, 'src', fileUrl(repo), '1m'));
    await applyAs(
      ctx,
      syncObject(namespace, 'app', { source: 'src', path: 'deploy', interval: '1m' }),
    );
    await syncs.waitFor('app', isReadyOn(await repo.revParse('HEAD')), 120_000);

    const leaseMs: number[] = [];
    const convergedMs: number[] = [];
    for (let round_ = 1; round_ <= ROUNDS; round_++) {
      const candidates = [...running].map(([identity, operator]) => ({ identity, operator }));
      await waitReady(candidates);
      const leader = holderOf(leases.get(LEASE) ?? { apiVersion: '', kind: '', metadata: {} });
      const dying = candidates.find((c) => c.identity === leader);
      const standby = candidates.find((c) => c.identity !== leader);
      if (!dying || !standby) throw new Error(`Lease ${LEASE} is held by ${leader ?? 'nobody'}`);

      const killedAt = performance.now();
      process.kill(dying.operator.pid, 'SIGKILL');
      const sha = await repo.commit(
        { 'deploy/cm.yaml': configMapYaml('settings', { rev: String(round_) }) },
        `round ${round_}`,
      );
      const held = await leases.waitFor(
        LEASE,
        (l) => holderOf(l) === standby.identity,
        TAKEOVER_TIMEOUT_MS,
      );
      const ready = await syncs.waitFor('app', isReadyOn(sha), TAKEOVER_TIMEOUT_MS);
      leaseMs.push(held.at - killedAt);
      convergedMs.push(ready.at - killedAt);
      ctx.log(
        `  round ${round_}: ${standby.identity} leads after ${round(held.at - killedAt)} ms, ` +
          `Ready on the new commit after ${round(ready.at - killedAt)} ms`,
      );
      await dying.operator.stop();
      running.set(dying.identity, await startCandidate(ctx, namespace, dying.identity));
    }
    const sync = syncs.get('app');
    const result = {
      leaseSeconds: LEASE_SECONDS,
      rounds: ROUNDS,
      leaseMs: round(median(leaseMs)),
      convergedMs: round(median(convergedMs)),
      leaseRuns: leaseMs.map((ms) => round(ms)),
      convergedRuns: convergedMs.map((ms) => round(ms)),
      ready: conditionOf(sync, 'Ready')?.status === 'True',
    };
    ctx.log(`  ${JSON.stringify(result)}`);
    return { takeover: result };
  });
}
