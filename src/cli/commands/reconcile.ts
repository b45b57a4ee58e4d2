// `moor reconcile source|sync NAME [--wait] [--timeout 5m] [--with-source]`.
import { Option } from '@commander-js/extra-typings';
import { Kinds, loadApi, Annotations, type KubeObject, type KubeClient } from '../parts.ts';
import { connectWith, namespaceOf, unwrapKube, type CliContext } from '../context.ts';
import { CliError, formatSubject, notFoundError } from '../errors.ts';
import { recordAt, refTo, stringAt, type TargetKind } from '../objects.ts';
import { pollUntil } from '../poll.ts';
import type { GroupCommand } from '../program.ts';
import { assessSourceWait, assessSyncWait, type WaitState } from '../reconcile-wait.ts';

const POLL_INTERVAL_MS = 500;

type Target = ReturnType<typeof refTo>;

async function getOrFail(kube: KubeClient, ref: Target, signal: AbortSignal): Promise<KubeObject> {
  const obj = unwrapKube(await kube.get(ref, signal), ref);
  if (!obj) throw notFoundError(ref);
  return obj;
}

/** Sets the reconcile annotation to a new value and returns that value. */
async function requestReconcile(kube: KubeClient, ref: Target, ctx: CliContext): Promise<string> {
  const obj = await getOrFail(kube, ref, ctx.signal);
  if (recordAt(obj, 'spec').suspend === true) {
    const word = ref.kind === Kinds.Sync ? 'sync' : 'source';
    throw new CliError(
      `${formatSubject(ref)} is suspended: run \`moor resume ${word} ${ref.name}\` first`,
    );
  }
  const requestedAt = ctx.now().toISOString();
  const patch = { metadata: { annotations: { [Annotations.reconcileRequestedAt]: requestedAt } } };
  unwrapKube(await kube.mergePatch(ref, patch, ctx.signal), ref);
  ctx.stdout(`► reconcile requested for ${formatSubject(ref)}\n`);
  return requestedAt;
}

/** The newest revision of the Sync's source, as the source's artifact names it. */
async function sourceRevisionOf(kube: KubeClient, sync: KubeObject, signal: AbortSignal) {
  const sourceRef = recordAt(sync, 'spec', 'sourceRef');
  const namespace = stringAt(sourceRef, 'namespace') ?? sync.metadata.namespace ?? '';
  const ref = refTo(Kinds.GitRepository, namespace, stringAt(sourceRef, 'name') ?? '');
  const source = unwrapKube(await kube.get(ref, signal), ref);
  return source ? stringAt(source, 'status', 'artifact', 'revision') : undefined;
}

async function assess(kube: KubeClient, ref: Target, requestedAt: string, signal: AbortSignal) {
  const obj = await getOrFail(kube, ref, signal);
  if (ref.kind === Kinds.GitRepository) return assessSourceWait(obj, requestedAt);
  return assessSyncWait(obj, await sourceRevisionOf(kube, obj, signal), requestedAt);
}

/** Polls until the request is handled and converged; prints each new progress message. */
async function waitForReconcile(
  kube: KubeClient,
  ref: Target,
  requestedAt: string,
  opts: { readonly ctx: CliContext; readonly timeoutMs: number; readonly timeoutText: string },
): Promise<void> {
  const { ctx } = opts;
  let last: WaitState | undefined;
  const final = await pollUntil(
    async () => {
      const state = await assess(kube, ref, requestedAt, ctx.signal);
      if (state.phase !== 'waiting') return state;
      if (state.message !== last?.message) ctx.stdout(`◎ waiting: ${state.message}\n`);
      last = state;
      return undefined;
    },
    { timeoutMs: opts.timeoutMs, intervalMs: POLL_INTERVAL_MS, signal: ctx.signal },
  );
  if (!final) {
    throw new CliError(
      `timed out after ${opts.timeoutText} waiting for ${formatSubject(ref)}: ${last?.message ?? 'no answer'}`,
    );
  }
  if (final.phase === 'failed') throw new CliError(final.message);
  ctx.stdout(`✔ ${formatSubject(ref)}: ${final.message}\n`);
}

function registerReconcile(
  reconcile: GroupCommand,
  ctx: CliContext,
  word: 'source' | 'sync',
  kind: TargetKind,
): void {
  const cmd = reconcile
    .command(word)
    .description(`request a reconcile of a ${kind}`)
    .argument('<name>', `name of the ${kind}`)
    .option('--wait', 'block until the newest revision is handled and converged')
    .addOption(new Option('--timeout <duration>', 'how long --wait waits').default('5m'))
    .option(
      '--with-source',
      kind === Kinds.Sync
        ? 'reconcile the source first (and wait for it with --wait)'
        : 'for syncs only; ignored here',
    );
  cmd.action(async (name, opts, command) => {
    const globals = command.optsWithGlobals();
    const { safeParseDuration } = await loadApi();
    const timeout = safeParseDuration(opts.timeout);
    if (!timeout.ok) throw new CliError(`--timeout: ${timeout.error.message}`);
    const wait = { ctx, timeoutMs: timeout.value, timeoutText: opts.timeout };
    const kube = await connectWith(ctx, globals);
    const ref = refTo(kind, namespaceOf(globals), name);
    if (opts.withSource && kind === Kinds.Sync) {
      const sync = await getOrFail(kube, ref, ctx.signal);
      const sourceRef = recordAt(sync, 'spec', 'sourceRef');
      const sourceNs = stringAt(sourceRef, 'namespace') ?? ref.namespace;
      const source = refTo(Kinds.GitRepository, sourceNs, stringAt(sourceRef, 'name') ?? '');
      const sourceRequested = await requestReconcile(kube, source, ctx);
      if (opts.wait) await waitForReconcile(kube, source, sourceRequested, wait);
    }
    const requestedAt = await requestReconcile(kube, ref, ctx);
    if (opts.wait) await waitForReconcile(kube, ref, requestedAt, wait);
  });
}

export function registerReconcileCommands(reconcile: GroupCommand, ctx: CliContext): void {
  registerReconcile(reconcile, ctx, 'source', Kinds.GitRepository);
  registerReconcile(reconcile, ctx, 'sync', Kinds.Sync);
}
