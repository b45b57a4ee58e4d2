// `moor rollback sync NAME [--to REV] [--reason TEXT] [--no-wait]`: a commit on the tracked branch
// that restores the Sync's path as it was at an earlier revision, pushed with the GitRepository's
// credentials, then waits until the cluster converged on it (ADR 0019).
import { Option } from '@commander-js/extra-typings';
import {
  authFromSecret,
  classifyUrl,
  createGitClient,
  normalizeTreePath,
  type GitAuth,
} from '../../git/index.ts';
import { Kinds, loadController, type KubeClient, type KubeObject } from '../parts.ts';
import { connectWith, namespaceOf, unwrapKube, type CliContext } from '../context.ts';
import { CliError, formatSubject, notFoundError } from '../errors.ts';
import { recordAt, refTo, stringAt, subjectOf } from '../objects.ts';
import type { GroupCommand } from '../program.ts';
import { rollbackMessage, rollbackTarget, shaOf, type RollbackTarget } from '../rollback-target.ts';
import { reconcileNow, waitOptions } from './reconcile.ts';
import { pinSync, unpinSync } from './rollback-pin.ts';

const GIT_TIMEOUT_MS = 120_000;

async function getOrFail(kube: KubeClient, ref: ReturnType<typeof refTo>, signal: AbortSignal) {
  const obj = unwrapKube(await kube.get(ref, signal), ref);
  if (!obj) throw notFoundError(ref);
  return obj;
}

/** The Secret's data, decoded; undefined without a secretRef. */
async function secretData(kube: KubeClient, source: KubeObject, signal: AbortSignal) {
  const name = stringAt(source, 'spec', 'secretRef', 'name');
  if (name === undefined) return undefined;
  const ref = {
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: source.metadata.namespace ?? '',
    name,
  };
  const secret = await getOrFail(kube, ref, signal);
  const data = recordAt(secret, 'data');
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString('utf8')]),
  );
}

async function authOf(kube: KubeClient, source: KubeObject, signal: AbortSignal): Promise<GitAuth> {
  const subject = formatSubject(
    refTo(Kinds.GitRepository, source.metadata.namespace ?? '', source.metadata.name ?? ''),
  );
  const url = stringAt(source, 'spec', 'url') ?? '';
  const kind = classifyUrl(url, subject, true);
  if (!kind.ok) throw new CliError(kind.error.message);
  const data = await secretData(kube, source, signal);
  const secret = `${source.metadata.namespace ?? ''}/${stringAt(source, 'spec', 'secretRef', 'name') ?? ''}`;
  const auth = authFromSecret(data, kind.value, { source: subject, secret, url });
  if (!auth.ok) throw new CliError(auth.error.message);
  return auth.value;
}

type RollbackOptions = {
  readonly to?: string | undefined;
  readonly pin?: true | undefined;
  readonly unpin?: true | undefined;
  readonly reason?: string | undefined;
  readonly author: string;
  readonly wait: boolean;
  readonly timeout: string;
};

function authorOf(text: string): { name: string; email: string } {
  const m = /^\s*(.+?)\s*<([^<>\s]+)>\s*$/.exec(text);
  if (!m?.[1] || !m[2])
    throw new CliError(`--author ${JSON.stringify(text)}: expected "Name <email>"`);
  return { name: m[1], email: m[2] };
}

type Resolved = {
  readonly syncRef: ReturnType<typeof refTo>;
  readonly sync: KubeObject;
  readonly source: KubeObject;
  readonly target: RollbackTarget;
};

/** The Sync, its source, and the revision to go back to. */
async function resolve(
  ctx: CliContext,
  kube: KubeClient,
  syncRef: ReturnType<typeof refTo>,
  to: string | undefined,
): Promise<Resolved> {
  const { namespace, name } = syncRef;
  const sync = await getOrFail(kube, syncRef, ctx.signal);
  const sourceNs = stringAt(sync, 'spec', 'sourceRef', 'namespace') ?? namespace;
  const sourceName = stringAt(sync, 'spec', 'sourceRef', 'name') ?? '';
  const source = await getOrFail(
    kube,
    refTo(Kinds.GitRepository, sourceNs, sourceName),
    ctx.signal,
  );
  const controller = await loadController();
  const ring = unwrapKube(await controller.readHistory(kube, { namespace, name }, ctx.signal));
  const target = rollbackTarget(to, {
    subject: formatSubject(syncRef),
    current: stringAt(sync, 'status', 'lastAppliedRevision'),
    records: ring.records,
    lastHealthy: stringAt(sync, 'status', 'lastHealthyRevision'),
  });
  return { syncRef, sync, source, target };
}

/** Writes the restoring commit on the source's branch and pushes it. */
async function pushRollback(ctx: CliContext, kube: KubeClient, r: Resolved, opts: RollbackOptions) {
  const { source, sync, target } = r;
  const subject = formatSubject(r.syncRef);
  const branch = stringAt(source, 'spec', 'ref', 'branch');
  if (branch === undefined)
    throw new CliError(
      `${formatSubject(subjectOf(source))} tracks no branch: a rollback commit needs one (use --pin)`,
    );
  const current = stringAt(sync, 'status', 'lastAppliedRevision');
  const path = normalizeTreePath(stringAt(sync, 'spec', 'path') ?? './');
  const message = rollbackMessage({ subject, target, current, path, reason: opts.reason });
  const sha = shaOf(target.revision) ?? target.revision;
  ctx.stdout(`► restoring ${path || 'the whole tree'} of ${branch} as of ${sha.slice(0, 12)}\n`);
  const git = createGitClient({ env: process.env, timeoutMs: GIT_TIMEOUT_MS });
  const auth = await authOf(kube, source, ctx.signal);
  const url = stringAt(source, 'spec', 'url') ?? '';
  const author = authorOf(opts.author);
  const commit = { branch, sha, path, message, author };
  const pushed = await git.pushRestoreCommit(url, auth, commit, ctx.signal);
  if (!pushed.ok)
    throw new CliError(`${subject}: rollback commit not pushed: ${pushed.error.message}`);
  ctx.stdout(`✔ pushed ${pushed.value.sha} to ${branch}: ${message.split('\n')[0] ?? ''}\n`);
}

async function runRollback(
  ctx: CliContext,
  kube: KubeClient,
  syncRef: ReturnType<typeof refTo>,
  opts: RollbackOptions,
) {
  authorOf(opts.author);
  const timed = await waitOptions(ctx, opts.timeout);
  const wait = opts.wait ? timed : undefined;
  if (opts.unpin) {
    if (opts.pin || opts.to) throw new CliError('--unpin takes neither --pin nor --to');
    return unpinSync(kube, syncRef, ctx, wait);
  }
  const resolved = await resolve(ctx, kube, syncRef, opts.to);
  if (opts.pin)
    return pinSync(kube, syncRef, { target: resolved.target, reason: opts.reason }, ctx, wait);
  await pushRollback(ctx, kube, resolved, opts);
  await reconcileNow(kube, syncRef, { ctx, wait, withSource: true });
}

export function registerRollbackCommands(rollback: GroupCommand, ctx: CliContext): void {
  rollback
    .command('sync')
    .description(`converge a ${Kinds.Sync} to an earlier revision with a commit on its branch`)
    .argument('<name>', `name of the ${Kinds.Sync}`)
    .option(
      '--to <revision>',
      'the revision to go back to (default: the last healthy one before the current)',
    )
    .option('--reason <text>', 'why, for the commit message (or the pin)')
    .option('--pin', 'emergency: pin the Sync to the revision instead of writing Git (spec.pin)')
    .option('--unpin', 'remove the pin: follow the source again')
    .addOption(
      new Option('--author <name-email>', 'the commit author').default(
        'Moor rollback <moor@localhost>',
      ),
    )
    .option('--no-wait', 'do not wait for the cluster to converge on the rollback')
    .addOption(new Option('--timeout <duration>', 'how long to wait').default('5m'))
    .action(async (name, opts, command) => {
      const globals = command.optsWithGlobals();
      const kube = await connectWith(ctx, globals);
      await runRollback(ctx, kube, refTo(Kinds.Sync, namespaceOf(globals), name), opts);
    });
}
