// The helm adapter: the one place `helm` runs. `helm template` only (no release is installed, so
// no release Secret exists), with a private, empty Helm home (no repositories, plugins or
// registry logins of the host), values on stdin (nothing of a Secret is written to disk).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Result } from '../core/index.ts';
import { err, ok } from '../core/index.ts';
import { RenderError, RenderErrorCode } from './errors.ts';
import { formatBytes, RenderLimits } from './limits.ts';

/** How an operator renders charts: the program, and where it looked for it. */
export type HelmSettings = {
  /** The helm program; undefined when none was found. */
  readonly path: string | undefined;
  /** Where the program was looked for, for the error when `path` is undefined. */
  readonly lookedFor?: string;
  /** Per render; default 60 s. */
  readonly timeoutMs?: number;
  /** Where private chart copies and Helm homes are made; default: the OS temp dir. */
  readonly scratchDir?: string;
};

export type HelmTemplateInput = {
  /** The chart: a directory or a packaged .tgz. */
  readonly chart: string;
  readonly releaseName: string;
  readonly namespace: string;
  /** The merged values, as YAML (or JSON). */
  readonly values: string;
  /** How messages name the chart: `chart web 1.2.0 (apps/web)`. */
  readonly display: string;
  /** Removed from helm's messages (paths then read relative to the chart's copy). */
  readonly strip?: string;
};

const DEFAULT_TIMEOUT_MS = 60_000;

/** Runs `helm template --include-crds` and returns the YAML stream it prints. */
export async function templateChart(
  input: HelmTemplateInput,
  settings: HelmSettings,
  signal: AbortSignal,
): Promise<Result<string, RenderError>> {
  if (!settings.path) {
    const where = settings.lookedFor ? ` (looked for ${settings.lookedFor})` : '';
    return err(
      new RenderError(
        RenderErrorCode.helmUnavailable,
        `${input.display}: no helm program${where}`,
        {
          file: input.display,
        },
      ),
    );
  }
  const home = await mkdtemp(join(settings.scratchDir ?? tmpdir(), 'moor-helm-home-'));
  try {
    await Promise.all(['cache', 'config', 'data', 'plugins'].map((d) => mkdir(join(home, d))));
    return await run(settings.path, input, { home, settings, signal });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

function run(
  program: string,
  input: HelmTemplateInput,
  context: { home: string; settings: HelmSettings; signal: AbortSignal },
): Promise<Result<string, RenderError>> {
  const { home, settings, signal } = context;
  const timeout = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const args = [
    'template',
    input.releaseName,
    input.chart,
    '--namespace',
    input.namespace,
    '--include-crds',
    '--values',
    '-',
  ];
  const env = {
    LC_ALL: 'C',
    HOME: home,
    PATH: '/usr/bin:/bin',
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    HELM_PLUGINS: join(home, 'plugins'),
  };
  return new Promise((resolve) => {
    const child = execFile(
      program,
      args,
      {
        cwd: home,
        env,
        timeout,
        signal,
        maxBuffer: RenderLimits.fileBytes + 1,
        encoding: 'utf8',
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (!error) resolve(ok(stdout));
        else resolve(err(describeFailure(error, stderr, input, { timeout, signal, program })));
      },
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input.values);
  });
}

function describeFailure(
  error: Error & { code?: unknown; killed?: boolean },
  stderr: string,
  input: HelmTemplateInput,
  context: { timeout: number; signal: AbortSignal; program: string },
): RenderError {
  const data = { file: input.display, stderr };
  const fail = (code: RenderErrorCode, message: string) =>
    new RenderError(code, `${input.display}: ${message}`, data, { cause: error });
  if (context.signal.aborted || error.name === 'AbortError')
    return fail(RenderErrorCode.aborted, 'helm template aborted');
  if (error.code === 'ENOENT')
    return fail(
      RenderErrorCode.helmUnavailable,
      `cannot run helm: no program at ${context.program}`,
    );
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
    const limit = formatBytes(RenderLimits.fileBytes);
    return fail(
      RenderErrorCode.tooLarge,
      `helm template printed more than the ${limit} a render may`,
    );
  }
  const printed = input.strip ? stderr.replaceAll(`${input.strip}/`, '') : stderr;
  const reason = error.killed
    ? `timed out after ${context.timeout / 1000}s`
    : printed
        .replace(/^Error: /, '')
        .replace('Use --debug flag to render out invalid YAML', '')
        .trim() || error.message;
  // `template: app/templates/x.yaml:3:4: …` or `execution error at (app/templates/x.yaml:1:3): …`
  const template = /(?:template: |error at \()([^\s:()]+)/.exec(reason)?.[1];
  return new RenderError(
    RenderErrorCode.helmFailed,
    `${input.display}: helm template failed: ${reason}`,
    { ...data, ...(template ? { entry: template } : {}) },
    { cause: error },
  );
}
