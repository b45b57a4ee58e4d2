import type { Result } from '../core/index.ts';
import type { GitError } from './errors.ts';

/** Credentials for one remote, as read from a Secret (DESIGN.md `spec.secretRef`). */
export type GitAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string }
  | {
      readonly kind: 'ssh';
      /** Private key, OpenSSH or PEM text. */
      readonly identity: string;
      /** known_hosts lines; the server's host key must be among them. */
      readonly knownHosts: string;
    };

/** One ref of a remote: full name (`refs/heads/main`, `refs/tags/v1.0.0`, `HEAD`) and commit. */
export type RemoteRef = {
  readonly name: string;
  /** The commit the ref names (annotated tags are peeled to their commit). */
  readonly sha: string;
};

/** What to fetch: a ref (branch/tag name, full ref name, or sha) and optionally the commit expected. */
export type FetchTarget = {
  readonly ref: string;
  /** When given, exactly this commit is fetched (and must be what `ref` names if it is fetched by name). */
  readonly sha?: string;
};

export type PushTagTarget = {
  /** The commit the tag should point to (it must exist in the remote). */
  readonly sha: string;
  /** Tag name without `refs/tags/`. */
  readonly tag: string;
};

/** The only way Moor talks to Git remotes. */
export type GitClient = {
  listRemoteRefs(
    url: string,
    auth: GitAuth,
    signal: AbortSignal,
  ): Promise<Result<RemoteRef[], GitError>>;
  /**
   * Fetches one commit (depth 1) and checks its tree out into `destDir` (created if missing, must
   * be empty). `destDir` gets the files only: no `.git`, no remote URL, no credentials.
   */
  fetchCommit(
    url: string,
    auth: GitAuth,
    target: FetchTarget,
    destDir: string,
    signal: AbortSignal,
  ): Promise<Result<{ sha: string }, GitError>>;
  /** Points the lightweight tag `refs/tags/<tag>` of the remote at `sha` (force-pushed). */
  pushTag(
    url: string,
    auth: GitAuth,
    target: PushTagTarget,
    signal: AbortSignal,
  ): Promise<Result<{ sha: string }, GitError>>;
};
