// The steps every commit Moor writes to a remote shares (image automation's updateBranch and
// rollback's pushRestoreCommit): the committer identity and the push of one commit to a branch.
import type { Result } from '../core/index.ts';
import type { GitError } from './errors.ts';
import type { Session } from './session.ts';

/** A push the remote refused because the branch moved (non-fast-forward, a lost ref race). */
export const REJECTED_PUSH =
  /\[rejected\]|non-fast-forward|fetch first|failed to update ref|cannot lock ref/i;

/** Author and committer variables for `author` (no config file is read for them). */
export function identityEnv(author: { readonly name: string; readonly email: string }) {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
}

/** Pushes `sha` of the bare repository `gitDir` to `refs/heads/<branch>` (hooks off). */
export function pushCommit(
  session: Session,
  push: {
    readonly gitDir: string;
    readonly sha: string;
    readonly branch: string;
    readonly force: boolean;
  },
): Promise<Result<string, GitError>> {
  const args = ['push', '-q', '--no-verify', ...(push.force ? ['--force'] : [])];
  return session.run(
    [...args, '--end-of-options', session.url.url, `${push.sha}:refs/heads/${push.branch}`],
    { op: 'push', ref: push.branch, gitDir: push.gitDir },
  );
}
