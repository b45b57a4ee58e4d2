// The resource schemas, parsers, CRDs and durations (src/api, built on zod), for the commands that
// validate or generate resources. The others reach them through `loadApi()` in parts.ts, or not at
// all, so that they start without building the schemas.
export {
  DriftModes,
  generateCrds,
  parseGitRepository,
  parseSync,
  safeParseDuration,
} from '../api/index.ts';
