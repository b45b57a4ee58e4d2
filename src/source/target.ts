/**
 * What to fetch for a `spec.ref`: a branch or tag is fetched by its full ref name at once (the
 * fetch tells the commit), a commit by its sha; only a semver range lists the remote's tags first.
 */
import type { GitRepositorySpec } from '../api/index.ts';
import type { Result } from '../core/index.ts';
import {
  redactUrl,
  refWithoutListing,
  resolveRef,
  type GitAuth,
  type GitClient,
  type GitError,
  type NamedRef,
} from '../git/index.ts';

export type FetchTarget = NamedRef;

export async function resolveTarget(
  spec: GitRepositorySpec,
  auth: GitAuth,
  git: GitClient,
  signal: AbortSignal,
): Promise<Result<FetchTarget, GitError>> {
  const url = redactUrl(spec.url);
  const named = refWithoutListing(spec.ref, url);
  if (named) return named;
  const refs = await git.listRemoteRefs(spec.url, auth, signal);
  if (!refs.ok) return refs;
  return resolveRef(refs.value, spec.ref, url);
}
