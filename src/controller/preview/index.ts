// Preview: what a Git ref or a local directory would change live if it were a Sync's desired
// state (server-side dry-run, nothing written). Used by `moor diff` and the pull-request Receiver.
export {
  comparePreview,
  hasChanges,
  PreviewActions,
  summarizePreview,
  type DryRunAnswer,
  type ObjectChange,
  type Observation,
  type Preview,
  type PreviewAction,
  type PreviewFailure,
  type PreviewInput,
} from './compare.ts';
export { computePreview, type PreviewDeps, type PreviewTarget } from './compute.ts';
export { PreviewError, PreviewErrorCodes, type PreviewErrorCode } from './errors.ts';
export { fetchSyncRef, type FetchedRef, type FetchRefDeps } from './fetch.ts';
export { diffFields, type FieldChange } from './field-diff.ts';
export { formatPreviewMarkdown, formatPreviewText } from './format.ts';
export {
  previewSync,
  type PreviewRequest,
  type PreviewState,
  type PreviewSyncDeps,
} from './run.ts';
export {
  parsePullRequest,
  startPreviews,
  type Previews,
  type PreviewsDeps,
  type PullRequest,
} from './pull-request.ts';
