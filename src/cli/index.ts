// Public face of src/cli: the `moor` program, for main.ts and tests.
export { connectReal, type CliContext, type GlobalOptions } from './context.ts';
export { CliError, ExitCodes, type CliErrorData, type ExitCode } from './errors.ts';
export { buildInstallManifests, INSTALL_NAMESPACE } from './install-manifests.ts';
export {
  formatAge,
  formatData,
  formatYamlDocuments,
  OutputFormats,
  renderTable,
  truncate,
  type OutputFormat,
} from './output.ts';
export { createProgram, type RootCommand } from './program.ts';
export { runCli } from './run.ts';
