import { MoorError } from '../core/index.ts';

/** Why rendering a Sync's path failed. */
export const RenderErrorCode = {
  /** A YAML or JSON file does not parse. */
  syntax: 'SyntaxError',
  /** A document is not a Kubernetes object (no apiVersion, kind or metadata.name). */
  notAnObject: 'NotAnObject',
  /** A manifest file is not UTF-8 text (NUL bytes, invalid UTF-8): a binary file. */
  notText: 'NotText',
  /** A file, or the whole render, exceeds one of `RenderLimits` (size, objects, expansion). */
  tooLarge: 'TooLarge',
  /** A value has no JSON form (`.inf`, `.nan`). */
  invalidValue: 'InvalidValue',
  /** Collections nest deeper than the parser allows (`MAX_NESTING_DEPTH`). */
  tooDeep: 'NestingTooDeep',
  /** A namespaced object has no namespace and the Sync sets no targetNamespace. */
  namespaceMissing: 'NamespaceMissing',
  /** The same object (group, kind, namespace, name) is rendered twice. */
  duplicateObject: 'DuplicateObject',
  /** `spec.path` leaves the artifact (`..`, absolute). */
  pathEscapes: 'PathEscapesArtifact',
  /** A symlink in the artifact resolves outside of it. */
  symlinkEscapes: 'SymlinkEscapesArtifact',
  /** `spec.path` does not exist in the artifact or is not a directory. */
  pathNotFound: 'PathNotFound',
  /** Reading the artifact failed. */
  readFailed: 'ReadFailed',
  /** `kustomize build` failed (its stderr is in the message and in `data.stderr`). */
  kustomizeFailed: 'KustomizeFailed',
  /** A kustomization was found but no kustomize program was found to build it. */
  kustomizeUnavailable: 'KustomizeUnavailable',
  /** A kustomization refers to a base or file outside the artifact (`../../..`, absolute). */
  referenceEscapes: 'ReferenceEscapesArtifact',
  /** A kustomization refers to a remote base or resource and the operator does not allow them. */
  remoteRefused: 'RemoteResourceRefused',
  /** A kustomization configures a plugin that is not a kustomize builtin (exec, KRM function). */
  pluginRefused: 'KustomizePluginRefused',
  /** `helm template` failed (its stderr is in the message and in `data.stderr`). */
  helmFailed: 'HelmTemplateFailed',
  /** A Sync renders a chart but no helm program was found. */
  helmUnavailable: 'HelmUnavailable',
  /** The chart is not what the Sync asks for (no Chart.yaml, a version outside the range). */
  chartInvalid: 'ChartInvalid',
  /** A `valuesFrom` ConfigMap or Secret (or its key) is missing and not optional. */
  valuesNotFound: 'ValuesNotFound',
  /** The signal was aborted. */
  aborted: 'Aborted',
  /** `spec.substituteStrict` is set and a `${VAR}` names a variable that is not defined. */
  undefinedVariable: 'UndefinedVariable',
  /** A SOPS-encrypted file does not decrypt: no matching age key, a bad MAC, a malformed file. */
  decryptionFailed: 'DecryptionFailed',
} as const;
export type RenderErrorCode = (typeof RenderErrorCode)[keyof typeof RenderErrorCode];

/** Where in the artifact a render error happened, and what else is known. */
export type RenderErrorData = {
  /** File or directory, relative to the artifact root. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** The other place, for duplicates. */
  readonly other?: { readonly file: string; readonly line: number };
  /** The kustomization entry refused (a path, a URL, or a plugin's `apiVersion kind/name`). */
  readonly entry?: string;
  /** The program's stderr, for kustomize failures. */
  readonly stderr?: string;
  /** The variable not defined, for `UndefinedVariable`. */
  readonly variable?: string;
  /** The age recipients a file is encrypted for, for `DecryptionFailed`. */
  readonly recipients?: readonly string[];
};

/** A render failure; the message names the file (`apps/web.yaml:12:5: …`) or path it is about. */
export class RenderError extends MoorError<RenderErrorCode, RenderErrorData> {}

/** Reading `rel` (relative to the artifact root) was cut short by the signal. */
export function abortedError(rel: string): RenderError {
  return new RenderError(RenderErrorCode.aborted, `reading ${rel || '.'} aborted`, {
    file: rel || '.',
  });
}

/** Reading `rel` failed (the file system's error is the cause). */
export function readFailure(cause: unknown, rel: string): RenderError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new RenderError(
    RenderErrorCode.readFailed,
    `reading ${rel} failed: ${message}`,
    {
      file: rel,
    },
    { cause },
  );
}
