import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import type { Result } from '../core/index.ts';
import { err, ok } from '../core/index.ts';
import { RenderError, RenderErrorCode } from './errors.ts';
import { formatBytes, RenderLimits } from './limits.ts';

/** How an operator builds kustomizations: the program, and what kustomizations may refer to. */
export type KustomizeSettings = {
  /** The kustomize program; undefined when none was found. */
  readonly path: string | undefined;
  /** Where the program was looked for, for the error when `path` is undefined. */
  readonly lookedFor?: string;
  /** Accept remote bases and resources (http(s), git); default: refused. */
  readonly allowRemote?: boolean;
  /** Per build; default 60 s. */
  readonly timeoutMs?: number;
  /** Where private copies of artifacts are made for builds; default: the OS temp dir. */
  readonly scratchDir?: string;
};

export type KustomizeOptions = {
  /** Path of the kustomize program. */
  readonly kustomizePath: string;
  readonly signal: AbortSignal;
  /** Default 60 s. */
  readonly timeoutMs?: number;
  /** The root the build runs in: removed from paths in messages, which then read relative to it. */
  readonly artifactDir?: string;
};

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Runs `kustomize build --load-restrictor=LoadRestrictionsRootOnly <dir>` (never with plugins,
 * exec functions or helm enabled) and returns the YAML stream it prints. `displayPath` (relative
 * to the artifact) is how messages name the kustomization.
 */
export function buildKustomization(
  dir: string,
  displayPath: string,
  options: KustomizeOptions,
): Promise<Result<string, RenderError>> {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const args = ['build', '--load-restrictor=LoadRestrictionsRootOnly', dir];
  return new Promise((resolve) => {
    execFile(
      options.kustomizePath,
      args,
      {
        cwd: dir,
        env: { LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', HOME: tmpdir(), PATH: '/usr/bin:/bin' },
        timeout,
        signal: options.signal,
        // One byte over the limit: more is refused as too large, not read on.
        maxBuffer: RenderLimits.fileBytes + 1,
        encoding: 'utf8',
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve(ok(stdout));
          return;
        }
        resolve(err(describeFailure(error, stderr, displayPath, { timeout, options })));
      },
    );
  });
}

function describeFailure(
  error: Error & { code?: unknown; killed?: boolean },
  stderr: string,
  displayPath: string,
  context: { timeout: number; options: KustomizeOptions },
): RenderError {
  const data = { file: displayPath, stderr };
  if (context.options.signal.aborted || error.name === 'AbortError') {
    return new RenderError(
      RenderErrorCode.aborted,
      `${displayPath}: kustomize build aborted`,
      data,
      {
        cause: error,
      },
    );
  }
  if (error.code === 'ENOENT') {
    return new RenderError(
      RenderErrorCode.kustomizeUnavailable,
      `${displayPath}: cannot run kustomize: no program at ${context.options.kustomizePath}`,
      data,
      { cause: error },
    );
  }
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
    const limit = formatBytes(RenderLimits.fileBytes);
    return new RenderError(
      RenderErrorCode.tooLarge,
      `${displayPath}: kustomize build printed more than the ${limit} a build may`,
      data,
      { cause: error },
    );
  }
  const root = context.options.artifactDir;
  const printed = root ? stderr.replaceAll(`${root}/`, '') : stderr;
  const reason = error.killed
    ? `timed out after ${context.timeout / 1000}s`
    : printed.trim() || error.message;
  return new RenderError(
    RenderErrorCode.kustomizeFailed,
    `${displayPath}: kustomize build failed: ${reason}`,
    data,
    { cause: error },
  );
}
