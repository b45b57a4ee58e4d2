import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { err, ok, systemClock, type Clock, type Result } from '../core/index.ts';
import { prepareEnvironment, prepareLocalEnvironment } from './environment.ts';
import {
  classifyGitStderr,
  GitErrorCode,
  gitFailure,
  maskSecrets,
  type FailureContext,
  type GitError,
} from './errors.ts';
import { checkoutFromMirror, fetchToMirror } from './mirror.ts';
import { isFullSha, parseLsRemote } from './refs.ts';
import { runGit, type GitRun } from './run.ts';
import type { LocalSession, RunContext, Session, SessionRun } from './session.ts';
import type { FetchTarget, GitAuth, GitClient, PushTagTarget } from './types.ts';
import { pushRestoreCommit } from './revert.ts';
import { updateBranch } from './update-branch.ts';
import { compareToBranch } from './compare.ts';
import { parseGitUrl } from './url.ts';

export type GitClientOptions = {
  /** The git program (default `git` on PATH). */
  readonly gitPath?: string;
  /** Upper bound for each git run; callers may cut it shorter with their AbortSignal. */
  readonly timeoutMs: number;
  readonly logger?: Logger;
  /** Accept file:// URLs (DESIGN.md: only with the operator's `--allow-file-urls`). */
  readonly allowFileUrls?: boolean;
  /** Where PATH, proxy and CA-bundle variables come from: the process environment, passed in. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Parent of the per-call scratch dirs (default the OS temp dir). */
  readonly tmpDir?: string;
  /** Times each run for the log; default: the system clock. */
  readonly clock?: Pick<Clock, 'monotonic'>;
};

type JudgeOptions = {
  readonly gitPath: string;
  readonly timeoutMs: number;
  readonly secrets: readonly string[];
};

/** A finished git run as a Result: stdout, or a GitError whose stderr has secrets masked. */
function judgeRun(
  run: GitRun,
  context: FailureContext,
  options: JudgeOptions,
): Result<string, GitError> {
  const stderr = maskSecrets(run.stderr, options.secrets);
  switch (run.stopped) {
    case 'timeout':
      return err(
        gitFailure(GitErrorCode.Timeout, context, {
          detail: `no result within ${options.timeoutMs}ms`,
          stderr,
        }),
      );
    case 'deadline':
      return err(
        gitFailure(GitErrorCode.Timeout, context, {
          detail: "the caller's deadline passed",
          stderr,
        }),
      );
    case 'aborted':
      return err(gitFailure(GitErrorCode.Aborted, context, { stderr }));
    case undefined:
      break;
  }
  if (run.spawnError) {
    const detail = `cannot run ${options.gitPath}: ${run.spawnError.message}`;
    return err(gitFailure(GitErrorCode.Failed, context, { detail, cause: run.spawnError }));
  }
  if (run.exitCode !== 0) {
    return err(gitFailure(classifyGitStderr(stderr), context, { stderr, exitCode: run.exitCode }));
  }
  return ok(run.stdout);
}

/** The options every run of one client uses, defaults filled in. */
type ClientSettings = GitClientOptions & {
  readonly gitPath: string;
  readonly allowFileUrls: boolean;
  readonly clock: Pick<Clock, 'monotonic'>;
};

export function createGitClient(options: GitClientOptions): GitClient {
  const settings: ClientSettings = {
    ...options,
    gitPath: options.gitPath ?? 'git',
    allowFileUrls: options.allowFileUrls ?? false,
    clock: options.clock ?? systemClock,
  };
  return {
    listRemoteRefs(url, auth, signal) {
      return withSession(settings, { rawUrl: url, auth, signal }, async (session) => {
        const args = ['ls-remote', '--end-of-options', session.url.url];
        const listed = await session.run(args, { op: 'ls-remote' });
        return listed.ok ? ok(parseLsRemote(listed.value)) : listed;
      });
    },
    fetchCommit(url, auth, target, destDir, signal) {
      return withSession(settings, { rawUrl: url, auth, signal }, (session) =>
        fetchIntoDir(session, target, destDir),
      );
    },
    fetchToMirror(url, auth, target, signal) {
      return withSession(settings, { rawUrl: url, auth, signal }, (session) =>
        fetchToMirror(session, target),
      );
    },
    checkoutFromMirror(target, signal) {
      return withLocalSession(settings, target.mirrorDir, signal, (session) =>
        checkoutFromMirror(session, target),
      );
    },
    pushTag(url, auth, target, signal) {
      return withSession(settings, { rawUrl: url, auth, signal }, (session) =>
        pushTagFrom(session, target),
      );
    },
    pushRestoreCommit(url, auth, target, signal) {
      return withSession(settings, { rawUrl: url, auth, signal }, (session) =>
        pushRestoreCommit(session, target),
      );
    },
    updateBranch(url, auth, update, signal) {
      return withSession(settings, { rawUrl: url, auth, signal }, (session) =>
        updateBranch(session, update, settings.env.PATH),
      );
    },
    compareToBranch(url, auth, target, signal) {
      return withSession(settings, { rawUrl: url, auth, signal }, (session) =>
        compareToBranch(session, target),
      );
    },
  };
}

/** A run function over one env: logs each run and judges it (secrets masked). */
function runnerOf(
  options: ClientSettings,
  env: Record<string, string>,
  secrets: readonly string[],
  where: string,
  signal: AbortSignal,
): SessionRun {
  const { gitPath, timeoutMs, logger, clock } = options;
  return async (args: readonly string[], context: RunContext) => {
    const started = clock.monotonic();
    const gitArgs = context.gitDir ? ['--git-dir', context.gitDir, ...args] : args;
    const result = await runGit({
      gitPath,
      args: gitArgs,
      env: context.env ? { ...env, ...context.env } : env,
      timeoutMs,
      signal,
      ...(context.input === undefined ? {} : { input: context.input }),
    });
    const failure = { op: context.op, url: where, ref: context.ref };
    const durationMs = Math.round(clock.monotonic() - started);
    logger?.debug(
      { git: context.op, url: where, ref: context.ref, exitCode: result.exitCode, durationMs },
      'git run',
    );
    return judgeRun(result, failure, { gitPath, timeoutMs, secrets });
  };
}

const makeScratch = (options: ClientSettings): Promise<string> =>
  mkdtemp(join(options.tmpDir ?? tmpdir(), 'moor-git-'));

/** Parses the URL, makes a scratch dir and env for this call, runs `use`, removes the dir. */
async function withSession<T>(
  options: ClientSettings,
  call: { readonly rawUrl: string; readonly auth: GitAuth; readonly signal: AbortSignal },
  use: (session: Session) => Promise<Result<T, GitError>>,
): Promise<Result<T, GitError>> {
  const { rawUrl, auth, signal } = call;
  const { allowFileUrls, timeoutMs } = options;
  const parsed = parseGitUrl(rawUrl, allowFileUrls);
  if (!parsed.ok) return parsed;
  const url = parsed.value;
  const scratchDir = await makeScratch(options);
  try {
    const baseEnv = options.env;
    const environment = { url, auth, scratchDir, baseEnv, allowFileUrls, timeoutMs };
    const prepared = await prepareEnvironment(environment);
    if (!prepared.ok) return prepared;
    const { env, secrets } = prepared.value;
    return await use({
      url,
      scratchDir,
      run: runnerOf(options, env, secrets, url.redacted, signal),
    });
  } finally {
    await rm(scratchDir, { recursive: true, force: true });
  }
}

/** A scratch dir and an env that reaches no remote, for runs on a local repository. */
async function withLocalSession<T>(
  options: ClientSettings,
  gitDir: string,
  signal: AbortSignal,
  use: (session: LocalSession) => Promise<Result<T, GitError>>,
): Promise<Result<T, GitError>> {
  const scratchDir = await makeScratch(options);
  try {
    const env = await prepareLocalEnvironment(scratchDir, options.env);
    return await use({ scratchDir, run: runnerOf(options, env, [], gitDir, signal) });
  } finally {
    await rm(scratchDir, { recursive: true, force: true });
  }
}

/** Fetches one commit (depth 1) into a bare repo in the scratch dir; returns the commit's sha. */
async function fetchShallow(
  session: Session,
  target: FetchTarget,
  gitDir: string,
): Promise<Result<string, GitError>> {
  const init = await session.run(['init', '-q', '--bare', gitDir], { op: 'init' });
  if (!init.ok) return init;
  const expected = target.sha?.toLowerCase() ?? (isFullSha(target.ref) ? target.ref : undefined);
  const fetch = (want: string): Promise<Result<string, GitError>> =>
    session.run(
      [
        'fetch',
        '-q',
        '--depth=1',
        '--no-tags',
        '--no-recurse-submodules',
        '--end-of-options',
        session.url.url,
        want,
      ],
      { op: 'fetch', ref: target.ref, gitDir },
    );
  let fetched = await fetch(expected ?? target.ref);
  // Servers that refuse unadvertised commits: fetch the ref by name and check it is still there.
  if (
    !fetched.ok &&
    fetched.error.code === GitErrorCode.RefNotFound &&
    expected &&
    expected !== target.ref
  ) {
    fetched = await fetch(target.ref);
  }
  if (!fetched.ok) return fetched;
  const head = await session.run(['rev-parse', '--verify', 'FETCH_HEAD^{commit}'], {
    op: 'rev-parse',
    ref: target.ref,
    gitDir,
  });
  if (!head.ok) return head;
  const sha = head.value.trim();
  if (expected && sha !== expected) {
    const detail = `expected commit ${expected}, the remote has ${sha}`;
    const context = { op: 'fetch', url: session.url.redacted, ref: target.ref };
    return err(gitFailure(GitErrorCode.RefNotFound, context, { detail }));
  }
  return ok(sha);
}

async function fetchIntoDir(
  session: Session,
  target: FetchTarget,
  destDir: string,
): Promise<Result<{ sha: string }, GitError>> {
  await mkdir(destDir, { recursive: true });
  if ((await readdir(destDir)).length > 0) {
    throw new Error(`fetchCommit: destination ${destDir} is not empty`);
  }
  const gitDir = join(session.scratchDir, 'repo.git');
  const fetched = await fetchShallow(session, target, gitDir);
  if (!fetched.ok) return fetched;
  const sha = fetched.value;
  // The git dir stays in the scratch dir (removed after the call): destDir gets the tree only.
  const checkout = await session.run(['--work-tree', destDir, 'checkout', '-q', '-f', sha], {
    op: 'checkout',
    ref: target.ref,
    gitDir,
  });
  return checkout.ok ? ok({ sha }) : checkout;
}

async function pushTagFrom(
  session: Session,
  target: PushTagTarget,
): Promise<Result<{ sha: string }, GitError>> {
  const gitDir = join(session.scratchDir, 'repo.git');
  const ref = `refs/tags/${target.tag}`;
  const fetched = await fetchShallow(session, { ref: target.sha, sha: target.sha }, gitDir);
  if (!fetched.ok) return fetched;
  const pushed = await session.run(
    [
      'push',
      '-q',
      '--force',
      '--no-verify',
      '--end-of-options',
      session.url.url,
      `${fetched.value}:${ref}`,
    ],
    { op: 'push', ref, gitDir },
  );
  return pushed.ok ? ok({ sha: fetched.value }) : pushed;
}
