// `moor reconcile source NAME [--wait] [--timeout 5m]` and
// `moor reconcile helmrepository NAME [--wait] [--timeout 5m]` and
// `moor reconcile sync NAME [--wait] [--timeout 5m] [--with-source | --no-source]`.
import { Option } from '@commander-js/extra-typings';
import {
  Kinds,
  loadApi,
  reconcileRequestPatch,
  type KubeObject,
  type KubeClient,
} from '../parts.ts';
import { connectWith, namespaceOf, unwrapKube, type CliContext } from '../context.ts';
import { CliError, formatSubject, notFoundError } from '../errors.ts';
import { recordAt, refTo, stringAt } from '../objects.ts';
import { pollUntil } from '../poll.ts';
import type { GroupCommand } from '../program.ts';
import { registerReconcileImageCommands } from './image.ts';
import {
  assessHelmRepositoryWait,
  assessSourceWait,
  assessSyncWait,
  type WaitState,
} from '../reconcile-wait.ts';

const POLL_INTERVAL_MS = 500;
/** An operator answers within a second or so: only a longer silence is worth a hint. */
export const UNANSWERED_HINT_AFTER_MS = 2_000;

type Target = ReturnType<typeof refTo>;
export type Wait = {
  readonly ctx: CliContext;
  readonly timeoutMs: number;
  readonly timeoutText: string;
};

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
  const at = ctx.clock.now();
  const requestedAt = at.toISOString();
  const patch = reconcileRequestPatch(at);
  unwrapKube(await kube.mergePatch(ref, patch, ctx.signal), ref);
  ctx.stdout(`► reconcile requested for ${formatSubject(ref)}\n`);
  return requestedAt;
}

function sourceRefOf(sync: KubeObject): Target {
  const sourceRef = recordAt(sync, 'spec', 'sourceRef');
  const namespace = stringAt(sourceRef, 'namespace') ?? sync.metadata.namespace ?? '';
  return refTo(Kinds.GitRepository, namespace, stringAt(sourceRef, 'name') ?? '');
}

/** The newest revision of the Sync's source, as the source's artifact names it. */
async function sourceRevisionOf(kube: KubeClient, sync: KubeObject, signal: AbortSignal) {
  const ref = sourceRefOf(sync);
  const source = unwrapKube(await kube.get(ref, signal), ref);
  return source ? stringAt(source, 'status', 'artifact', 'revision') : undefined;
}

async function assess(kube: KubeClient, ref: Target, requestedAt: string, signal: AbortSignal) {
  const obj = await getOrFail(kube, ref, signal);
  if (ref.kind === Kinds.GitRepository) return assessSourceWait(obj, requestedAt);
  if (ref.kind === Kinds.HelmRepository) return assessHelmRepositoryWait(obj, requestedAt);
  return assessSyncWait(obj, await sourceRevisionOf(kube, obj, signal), requestedAt);
}

/**
 * Polls until the request is handled and converged; prints each new progress message (that the
 * operator has not answered only after UNANSWERED_HINT_AFTER_MS of silence).
 */
async function waitForReconcile(
  kube: KubeClient,
  ref: Target,
  requestedAt: string,
  opts: Wait,
): Promise<void> {
  const { ctx } = opts;
  const started = ctx.clock.monotonic();
  let last: WaitState | undefined;
  let printed: string | undefined;
  const final = await pollUntil(
    async () => {
      const state = await assess(kube, ref, requestedAt, ctx.signal);
      if (state.phase !== 'waiting') return state;
      last = state;
      const quiet = state.unanswered && ctx.clock.monotonic() - started < UNANSWERED_HINT_AFTER_MS;
      if (!quiet && state.message !== printed) {
        ctx.stdout(`◎ waiting: ${state.message}\n`);
        printed = state.message;
      }
      return undefined;
    },
    {
      timeoutMs: opts.timeoutMs,
      intervalMs: POLL_INTERVAL_MS,
      signal: ctx.signal,
      clock: ctx.clock,
    },
  );
  if (!final) {
    throw new CliError(
      `timed out after ${opts.timeoutText} waiting for ${formatSubject(ref)}: ${last?.message ?? 'no answer'}`,
    );
  }
  if (final.phase === 'failed') throw new CliError(final.message);
  ctx.stdout(`✔ ${formatSubject(ref)}: ${final.message}\n`);
}

export async function waitOptions(
  ctx: CliContext,
  timeoutText: string,
  flag = '--timeout',
): Promise<Wait> {
  const { safeParseDuration } = await loadApi();
  const timeout = safeParseDuration(timeoutText);
  if (!timeout.ok) throw new CliError(`${flag}: ${timeout.error.message}`);
  return { ctx, timeoutMs: timeout.value, timeoutText };
}

/**
 * Requests a reconcile of `ref` (of a Sync's source first, with `withSource`) and, given `wait`,
 * blocks until each request is handled and converged.
 */
export async function reconcileNow(
  kube: KubeClient,
  ref: Target,
  opts: { readonly ctx: CliContext; readonly wait: Wait | undefined; readonly withSource: boolean },
): Promise<void> {
  const { ctx, wait } = opts;
  if (opts.withSource && ref.kind === Kinds.Sync) {
    const source = sourceRefOf(await getOrFail(kube, ref, ctx.signal));
    const sourceRequested = await requestReconcile(kube, source, ctx);
    if (wait) await waitForReconcile(kube, source, sourceRequested, wait);
  }
  const requestedAt = await requestReconcile(kube, ref, ctx);
  if (wait) await waitForReconcile(kube, ref, requestedAt, wait);
}

const timeoutOption = () =>
  new Option('--timeout <duration>', 'how long --wait waits').default('5m');

function registerReconcileSource(reconcile: GroupCommand, ctx: CliContext): void {
  reconcile
    .command('source')
    .description(`request a reconcile of a ${Kinds.GitRepository}: fetch now`)
    .argument('<name>', `name of the ${Kinds.GitRepository}`)
    .option('--wait', 'block until the source has fetched its newest revision')
    .addOption(timeoutOption())
    .action(async (name, opts, command) => {
      const globals = command.optsWithGlobals();
      const wait = await waitOptions(ctx, opts.timeout);
      const kube = await connectWith(ctx, globals);
      const ref = refTo(Kinds.GitRepository, namespaceOf(globals), name);
      await reconcileNow(kube, ref, { ctx, wait: opts.wait ? wait : undefined, withSource: false });
    });
}

function registerReconcileHelmRepository(reconcile: GroupCommand, ctx: CliContext): void {
  reconcile
    .command('helmrepository')
    .aliases(['helmrepo'])
    .description(`request a reconcile of a ${Kinds.HelmRepository}: fetch its index now`)
    .argument('<name>', `name of the ${Kinds.HelmRepository}`)
    .option('--wait', 'block until the index is fetched and the repository is Ready')
    .addOption(timeoutOption())
    .action(async (name, opts, command) => {
      const globals = command.optsWithGlobals();
      const wait = await waitOptions(ctx, opts.timeout);
      const kube = await connectWith(ctx, globals);
      const ref = refTo(Kinds.HelmRepository, namespaceOf(globals), name);
      await reconcileNow(kube, ref, { ctx, wait: opts.wait ? wait : undefined, withSource: false });
    });
}

function registerReconcileSync(reconcile: GroupCommand, ctx: CliContext): void {
  reconcile
    .command('sync')
    .description(`request a reconcile of a ${Kinds.Sync}`)
    .argument('<name>', `name of the ${Kinds.Sync}`)
    .option(
      '--wait',
      "block until the source's newest revision is applied and converged (fetches the source first)",
    )
    .addOption(timeoutOption())
    .option('--with-source', 'fetch the source first (the default with --wait)')
    .option('--no-source', 'with --wait: do not fetch the source first, wait for what it has')
    .action(async (name, opts, command) => {
      const globals = command.optsWithGlobals();
      const wait = await waitOptions(ctx, opts.timeout);
      const kube = await connectWith(ctx, globals);
      const ref = refTo(Kinds.Sync, namespaceOf(globals), name);
      const withSource = opts.withSource === true || (opts.wait === true && opts.source);
      await reconcileNow(kube, ref, { ctx, wait: opts.wait ? wait : undefined, withSource });
    });
}

export function registerReconcileCommands(reconcile: GroupCommand, ctx: CliContext): void {
  registerReconcileSource(reconcile, ctx);
  registerReconcileSync(reconcile, ctx);
  registerReconcileHelmRepository(reconcile, ctx);
  registerReconcileImageCommands(reconcile, ctx);
}
