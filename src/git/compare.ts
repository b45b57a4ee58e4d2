// How far commits are behind the head of a branch: the branch's last `depth` commits are fetched
// (no tags, no blobs) into a scratch repository and listed first-parent, newest first; a commit's
// place in that list is how many commits it is behind. A commit not in the list is `diverged`
// when the whole branch was read, else `unknown`: reported as such, not guessed.
import { join } from 'node:path';
import { ok, type Result } from '../core/index.ts';
import type { GitError } from './errors.ts';
import { isFullSha } from './refs.ts';
import type { Session } from './session.ts';
import type { BranchComparison, BranchCompareTarget, CommitBehind } from './types.ts';

/** Fetches the branch's history (bounded) and compares each commit of `target.shas` with its head. */
export async function compareToBranch(
  session: Session,
  target: BranchCompareTarget,
): Promise<Result<BranchComparison, GitError>> {
  const gitDir = join(session.scratchDir, 'history.git');
  const run = (args: readonly string[], op: string) =>
    session.run(args, { op, gitDir, ref: target.branch });
  const init = await run(['init', '-q', '--bare', gitDir], 'init');
  if (!init.ok) return init;
  const ref = `refs/heads/${target.branch}`;
  const fetched = await run(
    [
      'fetch',
      '-q',
      `--depth=${target.depth}`,
      '--no-tags',
      '--filter=blob:none',
      '--end-of-options',
      session.url.url,
      `+${ref}:${ref}`,
    ],
    'fetch',
  );
  if (!fetched.ok) return fetched;
  // Every commit fetched, newest first: a commit asked about is compared only if it is one of them.
  const listed = await run(['log', '--first-parent', '--format=%H %cI', ref, '--'], 'log');
  if (!listed.ok) return listed;
  const history = listed.value
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [sha = '', time = ''] = line.split(' ');
      return { sha, time };
    });
  const head = history[0] ?? { sha: '', time: '' };
  const complete = history.length < target.depth;
  const commits = new Map<string, CommitBehind>();
  for (const sha of new Set(target.shas)) {
    const index = history.findIndex((c) => c.sha === sha);
    if (index >= 0) {
      // The commits the head has and `sha` lacks; the oldest of them is "behind since".
      const since = history[index - 1]?.time;
      commits.set(sha, { state: 'behind', behind: index, ...(since ? { since } : {}) });
    } else {
      // The whole branch was read and the commit is not on it: rewritten, or another branch.
      commits.set(sha, { state: complete && isFullSha(sha) ? 'diverged' : 'unknown' });
    }
  }
  return ok({ head, commits });
}
