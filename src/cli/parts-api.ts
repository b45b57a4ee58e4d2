// The heavier parts the `create`, `install` and `operator` commands use: the resource schemas, parsers, CRDs
// and durations (src/api, built on zod), and the URL and path checks the operator applies. The
// other commands reach src/api through `loadApi()` in parts.ts, or not at all, so that they
// start without building the schemas.
export {
  DriftModes,
  generateCrds,
  parseGitRepository,
  parseSync,
  safeParseDuration,
  VARIABLE_NAME,
} from '../api/index.ts';
export { parseGitUrl } from '../git/index.ts';
export { parseAlert, parseProvider, parseReceiver } from '../api/index.ts';
export { checkArtifactPath, mergeLayers } from '../render/index.ts';
