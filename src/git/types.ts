import type { Result } from '../core/index.ts';
import type { GitError } from './errors.ts';
import type { CommitSigning } from './signing-key.ts';

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

/** What to fetch into a persistent mirror, and what to compare the result with. */
export type MirrorFetchTarget = FetchTarget & {
  /** The bare mirror of this remote: created when missing, recreated when unusable. */
  readonly mirrorDir: string;
  /** The commit published before: when still in the mirror, the paths changed since are listed. */
  readonly previous?: string | undefined;
  /** Recreate the mirror before fetching (e.g. a checkout from it found it corrupt). */
  readonly fresh?: boolean | undefined;
};

export type MirrorFetch = {
  readonly sha: string;
  /** The id of the commit's root tree: equal trees have equal content. */
  readonly tree: string;
  /** The previous commit, when the mirror still has it, and the paths that differ from it. */
  readonly previous?: {
    readonly sha: string;
    readonly tree: string;
    /** Added, modified, deleted or retyped files (no rename detection), sorted. */
    readonly changedPaths: readonly string[];
    /** Those of changedPaths that the new tree no longer has. */
    readonly deletedPaths: readonly string[];
  };
  /** The mirror was (re)created by this fetch (first fetch, or recovery from corruption). */
  readonly created: boolean;
  /** The commit's author and message, when git could read them. */
  readonly commit?: CommitInfo;
};

/** Who wrote a commit and what it says. */
export type CommitInfo = {
  /** `Name <email>`. */
  readonly author: string;
  /** The author date, RFC 3339. */
  readonly time: string;
  /** The message's first line. */
  readonly subject: string;
};

/** What to write from a mirror: the tree of `sha`, or only some of its paths. */
export type MirrorCheckout = {
  readonly mirrorDir: string;
  /** A full commit sha the mirror has. */
  readonly sha: string;
  /** Created if missing; must be empty unless `paths` is given. */
  readonly destDir: string;
  /** Only these files (present in the tree), into a dir that already holds the others. */
  readonly paths?: readonly string[] | undefined;
};

export type PushTagTarget = {
  /** The commit the tag should point to (it must exist in the remote). */
  readonly sha: string;
  /** Tag name without `refs/tags/`. */
  readonly tag: string;
};

/** A commit that restores `path` of the branch as it was at `sha` (ADR 0019). */
export type RestoreCommitTarget = {
  /** Branch name without `refs/heads/`. */
  readonly branch: string;
  /** The commit whose tree is restored. */
  readonly sha: string;
  /** The path restored (`./`, `` or `.`: the whole tree). */
  readonly path: string;
  readonly message: string;
  readonly author: { readonly name: string; readonly email: string };
};

/** A commit made by editing the head of a branch, pushed to the same or another branch. */
export type BranchUpdate = {
  readonly checkoutBranch: string;
  /** The checkout branch, or another one (rewritten from the checkout branch on each update). */
  readonly pushBranch: string;
  readonly author: { readonly name: string; readonly email: string };
  /**
   * Edits the files of the checked-out tree in `dir` and returns the commit message, or
   * undefined when nothing is to change. Called again on the new head after a refused push.
   */
  readonly edit: (dir: string) => Promise<string | undefined>;
  /** Pushes tried before giving up on a branch that keeps moving (at least 1). */
  readonly attempts: number;
  /** Sign the commit with this key (unsigned when absent). */
  readonly signing?: CommitSigning | undefined;
};

export type BranchUpdateResult = {
  /** A commit was pushed (false: the edit changed nothing). */
  readonly pushed: boolean;
  /** The commit pushed, or the head the edit found nothing to change in. */
  readonly head: string;
  /** Pushes tried, 1 when the first push was taken. */
  readonly attempts: number;
};

/** Which commits to compare with the head of a branch (`compareToBranch`). */
export type BranchCompareTarget = {
  /** Branch name without `refs/heads/`. */
  readonly branch: string;
  /** Full commit shas. */
  readonly shas: readonly string[];
  /** How many of the branch's commits are fetched; older ones are `unknown`. */
  readonly depth: number;
};
/** One commit against the head: how many commits behind, since the oldest it lacks (RFC 3339). */
export type CommitBehind =
  | { readonly state: 'behind'; readonly behind: number; readonly since?: string }
  /** Not an ancestor of the head (the branch was rewritten, or the commit is on another one). */
  | { readonly state: 'diverged' }
  /** Not among the fetched commits of the branch. */
  | { readonly state: 'unknown' };
export type BranchComparison = {
  readonly head: { readonly sha: string; readonly time: string };
  readonly commits: ReadonlyMap<string, CommitBehind>;
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
  /**
   * Fetches one ref or commit (depth 1, only what the mirror lacks) into a persistent bare mirror
   * and reports the commit and its root tree. The mirror holds objects and one ref only: no
   * remote URL, no FETCH_HEAD, no reflog, no credentials.
   */
  fetchToMirror(
    url: string,
    auth: GitAuth,
    target: MirrorFetchTarget,
    signal: AbortSignal,
  ): Promise<Result<MirrorFetch, GitError>>;
  /**
   * Writes the tree of a commit (or some of its files) from a mirror into a directory: the files
   * only, no `.git`, as `git checkout` writes them. No remote is contacted.
   */
  checkoutFromMirror(target: MirrorCheckout, signal: AbortSignal): Promise<Result<void, GitError>>;
  /** Points the lightweight tag `refs/tags/<tag>` of the remote at `sha` (force-pushed). */
  pushTag(
    url: string,
    auth: GitAuth,
    target: PushTagTarget,
    signal: AbortSignal,
  ): Promise<Result<{ sha: string }, GitError>>;
  /** Writes a commit restoring a path as of an earlier commit on the branch and pushes it. */
  pushRestoreCommit(
    url: string,
    auth: GitAuth,
    target: RestoreCommitTarget,
    signal: AbortSignal,
  ): Promise<Result<{ sha: string; parent: string }, GitError>>;
  /** Edits the head of a branch, commits and pushes (see BranchUpdate). */
  updateBranch(
    url: string,
    auth: GitAuth,
    update: BranchUpdate,
    signal: AbortSignal,
  ): Promise<Result<BranchUpdateResult, GitError>>;
  /** Counts how far each commit is behind the head of a branch (bounded history, read only). */
  compareToBranch(
    url: string,
    auth: GitAuth,
    target: BranchCompareTarget,
    signal: AbortSignal,
  ): Promise<Result<BranchComparison, GitError>>;
};
