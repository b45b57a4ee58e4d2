// Render: an artifact path → the desired objects of a Sync.
export { RenderError, RenderErrorCode, type RenderErrorData } from './errors.ts';
export { buildKustomization, type KustomizeOptions, type KustomizeSettings } from './kustomize.ts';
export { KUSTOMIZATION_FILES } from './kustomize-graph.ts';
export {
  isRemote,
  scanKustomization,
  scanPluginFile,
  type KustomizePolicy,
  type LocalReference,
} from './kustomization-scan.ts';
export { RenderLimits } from './limits.ts';
export {
  checkArtifactPath,
  loadManifestFiles,
  OUTSIDE_ARTIFACT,
  type LoadOptions,
} from './load.ts';
export { findDuplicate, parseManifests, type ParseMemo } from './parse.ts';
export type { FileMemo } from './file-memo.ts';
export { renderSync, type RenderSyncOptions } from './render.ts';
export { CLUSTER_SCOPED_KINDS, resolveScopes, type IsNamespaced } from './scope.ts';
export {
  mergeVariables,
  substituteObjects,
  substituteText,
  type SubstituteOptions,
} from './substitute.ts';
export { decryptManifest, decryptManifests, mayBeSopsEncrypted } from './sops.ts';
export { parseAgeIdentity, type AgeIdentity } from './age.ts';
export { transformObjects, type TransformOptions } from './transform.ts';
export type { ManifestFile, ObjectSource, RenderedObject } from './types.ts';
export {
  pullOciChart,
  templateChart,
  type HelmSettings,
  type HelmTemplateInput,
  type OciPull,
} from './helm.ts';
export {
  prepareChartObjects,
  templateChartFiles,
  type ChartRequest,
  type TemplatedChart,
} from './helm-chart.ts';
export { mergeLayers, type Values, type ValuesLayer } from './helm-values.ts';
