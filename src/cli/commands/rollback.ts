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
import { recordAt, refTo, stringAt } from '../objects.ts';
import type { GroupCommand } from '../program.ts';
import { rollbackMessage, rollbackTarget, shaOf } from '../rollback-target.ts';
import { reconcileNow, waitOptions } from './reconcile.ts';

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

async function runRollback(
  ctx: CliContext,
  kube: KubeClient,
  namespace: string,
  name: string,
  opts: RollbackOptions,
) {
  const author = authorOf(opts.author);
  const wait = await waitOptions(ctx, opts.timeout);
  const syncRef = refTo(Kinds.Sync, namespace, name);
  const subject = formatSubject(syncRef);
  const sync = await getOrFail(kube, syncRef, ctx.signal);
  const sourceNs = stringAt(sync, 'spec', 'sourceRef', 'namespace') ?? namespace;
  const sourceRef = refTo(
    Kinds.GitRepository,
    sourceNs,
    stringAt(sync, 'spec', 'sourceRef', 'name') ?? '',
  );
  const source = await getOrFail(kube, sourceRef, ctx.signal);
  const branch = stringAt(source, 'spec', 'ref', 'branch');
  if (branch === undefined)
    throw new CliError(
      `${formatSubject(sourceRef)} tracks no branch: a rollback commit needs one (use --pin)`,
    );
  const controller = await loadController();
  const ring = unwrapKube(await controller.readHistory(kube, { namespace, name }, ctx.signal));
  const current = stringAt(sync, 'status', 'lastAppliedRevision');
  const target = rollbackTarget(opts.to, {
    subject,
    current,
    records: ring.records,
    lastHealthy: stringAt(sync, 'status', 'lastHealthyRevision'),
  });
  const path = normalizeTreePath(stringAt(sync, 'spec', 'path') ?? './');
  const message = rollbackMessage({ subject, target, current, path, reason: opts.reason });
  const sha = shaOf(target.revision) ?? target.revision;
  ctx.stdout(`► restoring ${path || 'the whole tree'} of ${branch} as of ${sha.slice(0, 12)}\n`);
  const git = createGitClient({ env: process.env, timeoutMs: GIT_TIMEOUT_MS });
  const auth = await authOf(kube, source, ctx.signal);
  const url = stringAt(source, 'spec', 'url') ?? '';
  const pushed = await git.pushRestoreCommit(
    url,
    auth,
    { branch, sha, path, message, author },
    ctx.signal,
  );
  if (!pushed.ok)
    throw new CliError(`${subject}: rollback commit not pushed: ${pushed.error.message}`);
  ctx.stdout(`✔ pushed ${pushed.value.sha} to ${branch}: ${message.split('\n')[0] ?? ''}\n`);
  await reconcileNow(kube, syncRef, { ctx, wait: opts.wait ? wait : undefined, withSource: true });
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
    .option('--reason <text>', 'why, for the commit message')
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
      await runRollback(ctx, kube, namespaceOf(globals), name, opts);
    });
}
