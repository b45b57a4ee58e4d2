// Commit an edit to a branch and push it: a shallow clone of the checkout branch, the caller's
// edit on its files, one commit, one push. A push the remote refuses because the branch moved
// (non-fast-forward) is retried on the new head: the edit is applied again there, so a
// concurrent commit is kept and the change lands on top of it (bounded attempts). With a signing
// key, the commit is signed (SSH or OpenPGP, see signing.ts).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Result } from '../core/index.ts';
import { identityEnv, pushCommit, REJECTED_PUSH } from './commit-push.ts';
import { GitErrorCode, gitFailure, type GitError } from './errors.ts';
import type { Session } from './session.ts';
import { signingSetup, type SigningSetup } from './signing.ts';
import type { BranchUpdate, BranchUpdateResult } from './types.ts';

type Ctx = { readonly session: Session; readonly work: string; readonly gitDir: string };

function run(
  ctx: Ctx,
  args: readonly string[],
  op: string,
  ref?: string,
  env?: Record<string, string>,
) {
  return ctx.session.run(['--work-tree', ctx.work, ...args], {
    op,
    gitDir: ctx.gitDir,
    ...(ref === undefined ? {} : { ref }),
    ...(env === undefined ? {} : { env }),
  });
}

/** Fetches the head of `branch` (depth 1) and checks it out into a clean work tree. */
async function checkoutHead(ctx: Ctx, branch: string): Promise<Result<string, GitError>> {
  const fetched = await ctx.session.run(
    [
      'fetch',
      '-q',
      '--depth=1',
      '--no-tags',
      '--end-of-options',
      ctx.session.url.url,
      `refs/heads/${branch}`,
    ],
    { op: 'fetch', ref: branch, gitDir: ctx.gitDir },
  );
  if (!fetched.ok) return fetched;
  const reset = await run(
    ctx,
    ['checkout', '-q', '-f', '-B', 'moor-update', 'FETCH_HEAD'],
    'checkout',
    branch,
  );
  if (!reset.ok) return reset;
  const clean = await run(ctx, ['clean', '-q', '-f', '-d', '-x'], 'clean', branch);
  if (!clean.ok) return clean;
  const head = await ctx.session.run(['rev-parse', '--verify', 'HEAD^{commit}'], {
    op: 'rev-parse',
    gitDir: ctx.gitDir,
  });
  return head.ok ? ok(head.value.trim()) : head;
}

async function commitAll(
  ctx: Ctx,
  update: BranchUpdate,
  message: string,
  signing: SigningSetup,
): Promise<Result<string | undefined, GitError>> {
  const added = await run(ctx, ['add', '--all'], 'add');
  if (!added.ok) return added;
  const staged = await run(ctx, ['diff', '--cached', '--name-only'], 'diff');
  if (!staged.ok) return staged;
  if (staged.value.trim() === '') return ok(undefined);
  const env = { ...signing.env, ...identityEnv(update.author) };
  const committed = await ctx.session.run(
    ['--work-tree', ctx.work, ...signing.args, 'commit', '-q', '--no-verify', '-F', '-'],
    { op: 'commit', gitDir: ctx.gitDir, env, input: message },
  );
  if (!committed.ok) return update.signing ? unsigned(ctx, committed.error) : committed;
  const head = await ctx.session.run(['rev-parse', '--verify', 'HEAD^{commit}'], {
    op: 'rev-parse',
    gitDir: ctx.gitDir,
  });
  return head.ok ? ok(head.value.trim()) : head;
}

/** A commit that could not be signed says so, with what the signing tool said. */
function unsigned(ctx: Ctx, error: GitError): Result<never, GitError> {
  const said = (error.data.stderr ?? '').trim().split('\n').slice(-3).join('; ');
  const detail = `the commit could not be signed with the signing key (a wrong passphrase?)${said ? `: ${said}` : ''}`;
  return err(
    gitFailure(
      GitErrorCode.Failed,
      { op: 'sign', url: ctx.session.url.redacted },
      { detail, stderr: error.data.stderr ?? '' },
    ),
  );
}

/** Runs one BranchUpdate in a session (see the file comment). */
export async function updateBranch(
  session: Session,
  update: BranchUpdate,
  /** PATH for the signing tools (gpg), from the client's env. */
  toolPath?: string,
): Promise<Result<BranchUpdateResult, GitError>> {
  const ctx: Ctx = {
    session,
    work: join(session.scratchDir, 'work'),
    gitDir: join(session.scratchDir, 'repo.git'),
  };
  await mkdir(ctx.work, { recursive: true });
  const init = await session.run(['init', '-q', '--bare', ctx.gitDir], { op: 'init' });
  if (!init.ok) return init;
  const signing = await signingSetup(session, update.signing, toolPath);
  if (!signing.ok) return signing;
  try {
    return await attemptUpdate(ctx, update, signing.value);
  } finally {
    await signing.value.close();
  }
}

async function attemptUpdate(
  ctx: Ctx,
  update: BranchUpdate,
  signing: SigningSetup,
): Promise<Result<BranchUpdateResult, GitError>> {
  const { session } = ctx;
  // Another push branch (a pull-request flow) is rewritten from the checkout branch each time.
  const force = update.pushBranch !== update.checkoutBranch;
  for (let attempt = 1; attempt <= update.attempts; attempt++) {
    const head = await checkoutHead(ctx, update.checkoutBranch);
    if (!head.ok) return head;
    const message = await update.edit(ctx.work);
    if (message === undefined) return ok({ pushed: false, head: head.value, attempts: attempt });
    const sha = await commitAll(ctx, update, message, signing);
    if (!sha.ok) return sha;
    if (sha.value === undefined) return ok({ pushed: false, head: head.value, attempts: attempt });
    const target = { gitDir: ctx.gitDir, sha: sha.value, branch: update.pushBranch, force };
    const pushed = await pushCommit(session, target);
    if (pushed.ok) return ok({ pushed: true, head: sha.value, attempts: attempt });
    if (!REJECTED_PUSH.test(pushed.error.data.stderr ?? '')) return pushed;
  }
  const context = { op: 'push', url: session.url.redacted, ref: update.pushBranch };
  const detail = `the branch moved during each of ${update.attempts} attempts`;
  return err(gitFailure(GitErrorCode.Failed, context, { detail }));
}
