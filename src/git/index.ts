export { authFromSecret } from './auth.ts';
export { classifyUrl, redactUrl } from './classify-url.ts';
export { createGitClient, type GitClientOptions } from './client.ts';
export { GitError, GitErrorCode, maskSecrets, type GitErrorData } from './errors.ts';
export {
  formatRevision,
  isFullSha,
  isValidRefName,
  parseLsRemote,
  parseRevision,
  refWithoutListing,
  resolveRef,
  type NamedRef,
  type RefSpec,
  type ResolvedRef,
} from './refs.ts';
export type {
  BranchComparison,
  BranchCompareTarget,
  CommitBehind,
  CommitInfo,
  BranchUpdate,
  BranchUpdateResult,
  FetchTarget,
  GitAuth,
  GitClient,
  MirrorCheckout,
  MirrorFetch,
  MirrorFetchTarget,
  PushTagTarget,
  RestoreCommitTarget,
  RemoteRef,
} from './types.ts';
export { normalizeTreePath } from './revert.ts';
export { signingFromSecret, type CommitSigning } from './signing-key.ts';
export { parseGitUrl, type GitTransport, type GitUrl } from './url.ts';
