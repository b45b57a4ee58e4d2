import type { Result } from '../core/index.ts';
import type { GitError } from './errors.ts';
import type { GitUrl } from './url.ts';

/** What one git run is about, for its log line and its error. */
export type RunContext = {
  readonly op: string;
  readonly ref?: string | undefined;
  readonly gitDir?: string;
  /** Written to git's stdin. */
  readonly input?: string;
  /** Variables added to the session's env for this run only (e.g. GIT_INDEX_FILE). */
  readonly env?: Readonly<Record<string, string>>;
};

export type SessionRun = (
  args: readonly string[],
  context: RunContext,
) => Promise<Result<string, GitError>>;

/** One call's view of a remote: its URL, a private scratch dir and the env with credentials. */
export type Session = {
  readonly url: GitUrl;
  readonly scratchDir: string;
  readonly run: SessionRun;
};

/** One call's view of a local repository: a private scratch dir and an env that reaches no remote. */
export type LocalSession = {
  readonly scratchDir: string;
  readonly run: SessionRun;
};
