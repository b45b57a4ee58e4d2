// The helm adapter: the one place `helm` runs. `helm template` only (no release is installed, so
// no release Secret exists), with a private, empty Helm home (no repositories, plugins or
// registry logins of the host), values on stdin (nothing of a Secret is written to disk).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
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

function unavailable(display: string, settings: HelmSettings): RenderError {
  const where = settings.lookedFor ? ` (looked for ${settings.lookedFor})` : '';
  return new RenderError(RenderErrorCode.helmUnavailable, `${display}: no helm program${where}`, {
    file: display,
  });
}

/** Runs helm commands in one private, empty Helm home, removed afterwards. */
async function inPrivateHome<T>(
  settings: HelmSettings,
  body: (home: string) => Promise<T>,
): Promise<T> {
  const home = await mkdtemp(join(settings.scratchDir ?? tmpdir(), 'moor-helm-home-'));
  try {
    await Promise.all(['cache', 'config', 'data', 'plugins'].map((d) => mkdir(join(home, d))));
    return await body(home);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** Runs `helm template --include-crds` and returns the YAML stream it prints. */
export async function templateChart(
  input: HelmTemplateInput,
  settings: HelmSettings,
  signal: AbortSignal,
): Promise<Result<string, RenderError>> {
  const program = settings.path;
  if (!program) return err(unavailable(input.display, settings));
  const args = ['template', input.releaseName, input.chart, '--namespace', input.namespace];
  return inPrivateHome(settings, async (home) => {
    const ran = await run(program, [...args, '--include-crds', '--values', '-'], input.values, {
      home,
      settings,
      signal,
    });
    return ran.ok ? ran : err(describeFailure(ran.error.error, ran.error.stderr, input, ran.error));
  });
}

export type OciPull = {
  /** `oci://host:port/path/name`. */
  readonly ref: string;
  /** A semver range (helm picks the highest tag matching it). */
  readonly version: string | undefined;
  /** Where the package is written. */
  readonly destination: string;
  readonly plainHttp: boolean;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly display: string;
};

/**
 * `helm pull` of an OCI chart into `destination` (after `helm registry login --password-stdin`
 * in the private home, so the password is in no command line); returns the package's path.
 */
export async function pullOciChart(
  pull: OciPull,
  settings: HelmSettings,
  signal: AbortSignal,
): Promise<Result<string, RenderError>> {
  const program = settings.path;
  if (!program) return err(unavailable(pull.display, settings));
  const http = pull.plainHttp ? ['--plain-http'] : [];
  const fail = (e: { error: Error; stderr: string; timeout: number }) =>
    new RenderError(
      RenderErrorCode.chartInvalid,
      `${pull.display}: ${e.stderr.replace(/^Error: /, '').trim() || e.error.message}`,
      { entry: pull.ref },
      { cause: e.error },
    );
  return inPrivateHome(settings, async (home) => {
    const context = { home, settings, signal };
    if (pull.username !== undefined) {
      const host = new URL(pull.ref.replace(/^oci:/, 'http:')).host;
      const login = ['registry', 'login', host, '--username', pull.username, '--password-stdin'];
      const logged = await run(program, [...login, ...http], pull.password ?? '', context);
      if (!logged.ok) return err(fail(logged.error));
    }
    const version = pull.version ? ['--version', pull.version] : [];
    const args = ['pull', pull.ref, ...version, ...http, '--destination', pull.destination];
    const pulled = await run(program, args, '', context);
    if (!pulled.ok) return err(fail(pulled.error));
    // The destination is the pull's own: the one package in it is what helm pulled.
    const [saved] = (await readdir(pull.destination)).filter((f) => f.endsWith('.tgz'));
    if (!saved) {
      const error = new Error('helm pull wrote no package');
      return err(fail({ error, stderr: '', timeout: 0 }));
    }
    return ok(join(pull.destination, saved));
  });
}

type RunFailure = {
  error: Error & { code?: unknown; killed?: boolean };
  stderr: string;
  timeout: number;
  signal: AbortSignal;
  program: string;
};

function run(
  program: string,
  args: readonly string[],
  stdin: string,
  context: { home: string; settings: HelmSettings; signal: AbortSignal },
): Promise<Result<string, RunFailure>> {
  const { home, settings, signal } = context;
  const timeout = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
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
        else resolve(err({ error, stderr, timeout, signal, program }));
      },
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(stdin);
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
