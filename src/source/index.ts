// Source: resolve a GitRepository's ref, fetch that commit, publish an immutable artifact.
export { digestTree, ignoreMatcher, removeIgnored, treeDigest } from './digest.ts';
export { SourceError, SourceErrorCodes, type SourceErrorCode } from './errors.ts';
export {
  fetchArtifact,
  type ArtifactChanges,
  type FetchDeps,
  type FetchInput,
  type FetchOutcome,
  type StoredArtifact,
} from './fetch.ts';
export { createArtifactStore, type ArtifactStore } from './store.ts';
export { fetchRevisionArtifact, revisionDigest, type RevisionInput } from './revision.ts';
export {
  ChartCacheLimits,
  createChartPackages,
  createHelmCharts,
  type ChartPackages,
  type FetchedChart,
  type HelmCharts,
  type HelmRepositoryAccess,
  IndexErrorCodes,
  type HelmIndexes,
  type IndexError,
  type IndexErrorCode,
  type IndexSnapshot,
} from './helm-charts.ts';
export { parseHelmIndex, pickChartVersion, type HelmIndex } from './helm-index.ts';
export {
  createBoundedFiles,
  createLruMap,
  type BoundedFiles,
  type LruMap,
} from './bounded-files.ts';
