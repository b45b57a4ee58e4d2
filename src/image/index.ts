// Public face of src/image: registry scanning, tag policies and setter rewriting.
export {
  applySetters,
  commitMessage,
  DEFAULT_MESSAGE_TEMPLATE,
  updateDirOf,
  type SetterRun,
} from './apply-setters.ts';
export { nextLink, parseChallenge, retryAfterMs, type Challenge } from './challenge.ts';
export { credentialsFromSecret, type RegistryCredentials } from './credentials.ts';
export {
  ImageError,
  ImageErrorCodes,
  imageError,
  type ImageErrorCode,
  type ImageErrorData,
} from './errors.ts';
export { filterCandidates, selectLatestTag } from './policy.ts';
export { parseImageName, type ImageName } from './reference.ts';
export {
  createRegistryClient,
  type RegistryAddressPolicy,
  type RegistryClient,
  type ScanOptions,
} from './registry.ts';
export {
  rewriteSetters,
  type LatestImage,
  type MarkerProblem,
  type PolicyLookup,
  type RewriteResult,
  type SetterChange,
} from './setters.ts';
