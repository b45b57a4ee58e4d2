// `moor rollback sync NAME --pin [--to REV]` and `--unpin`: apply an earlier revision without
// writing Git (spec.pin), and go back to following the branch (ADR 0019).
import { getCondition } from '../../core/index.ts';
import { Kinds, pinPatch, unpinPatch, type KubeClient, type KubeObject } from '../parts.ts';
import { unwrapKube, type CliContext } from '../context.ts';
import { CliError, formatSubject } from '../errors.ts';
import { conditionsOf, recordAt, refTo, stringAt } from '../objects.ts';
import { pollUntil } from '../poll.ts';
import { assessPinWait, shaOf, type PinWait, type RollbackTarget } from '../rollback-target.ts';
import { reconcileNow, type Wait } from './reconcile.ts';

type Ref = ReturnType<typeof refTo>;

function viewOf(sync: KubeObject) {
  const observed = recordAt(sync, 'status').observedGeneration;
  return {
    generation: sync.metadata.generation,
    observedGeneration: typeof observed === 'number' ? observed : undefined,
    applied: stringAt(sync, 'status', 'lastAppliedRevision'),
    ready: getCondition(conditionsOf(sync), 'Ready'),
  };
}

async function waitForPin(kube: KubeClient, ref: Ref, sha: string, wait: Wait): Promise<void> {
  const { ctx } = wait;
  let last: PinWait | undefined;
  const final = await pollUntil(
    async () => {
      const sync = unwrapKube(await kube.get(ref, ctx.signal), ref);
      const state: PinWait = sync
        ? assessPinWait(viewOf(sync), sha)
        : { phase: 'failed', message: 'the Sync is gone' };
      if (state.phase !== 'waiting') return state;
      if (state.message !== last?.message) ctx.stdout(`◎ waiting: ${state.message}\n`);
      last = state;
      return undefined;
    },
    { timeoutMs: wait.timeoutMs, intervalMs: 500, signal: ctx.signal, clock: ctx.clock },
  );
  if (!final)
    throw new CliError(
      `timed out after ${wait.timeoutText} waiting for ${formatSubject(ref)}: ${last?.message ?? 'no answer'}`,
    );
  if (final.phase === 'failed') throw new CliError(`${formatSubject(ref)}: ${final.message}`);
  ctx.stdout(`✔ ${formatSubject(ref)}: ${final.message}\n`);
}

export async function pinSync(
  kube: KubeClient,
  ref: Ref,
  pin: { target: RollbackTarget; reason: string | undefined },
  ctx: CliContext,
  wait: Wait | undefined,
): Promise<void> {
  const revision = pin.target.revision;
  const sha = shaOf(revision);
  if (!sha) throw new CliError(`${revision}: a pin needs a full commit sha`);
  unwrapKube(await kube.mergePatch(ref, pinPatch(revision, pin.reason), ctx.signal), ref);
  ctx.stdout(
    `► ${formatSubject(ref)} pinned to ${revision}: Git is not written; \`moor rollback sync ${ref.name} --unpin\` ends it\n`,
  );
  if (wait) await waitForPin(kube, ref, sha, wait);
}

export async function unpinSync(
  kube: KubeClient,
  ref: Ref,
  ctx: CliContext,
  wait: Wait | undefined,
) {
  const sync = unwrapKube(await kube.get(ref, ctx.signal), ref);
  if (!recordAt(sync, 'spec', 'pin').revision)
    throw new CliError(`${formatSubject(ref)} is not pinned`);
  unwrapKube(await kube.mergePatch(ref, unpinPatch(), ctx.signal), ref);
  ctx.stdout(`► ${formatSubject(ref)} unpinned: it follows its source again\n`);
  await reconcileNow(kube, ref, { ctx, wait, withSource: false });
}

export const syncRefOf = (namespace: string, name: string): Ref =>
  refTo(Kinds.Sync, namespace, name);
