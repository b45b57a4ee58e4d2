export { createGitClient, type GitClientOptions } from './client.ts';
export { GitError, GitErrorCode, maskSecrets, type GitErrorData } from './errors.ts';
export {
  formatRevision,
  isFullSha,
  parseLsRemote,
  parseRevision,
  resolveRef,
  type RefSpec,
  type ResolvedRef,
} from './refs.ts';
export type { FetchTarget, GitAuth, GitClient, PushTagTarget, RemoteRef } from './types.ts';
export { parseGitUrl, type GitTransport, type GitUrl } from './url.ts';
