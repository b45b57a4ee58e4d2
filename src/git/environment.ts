import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Result } from '../core/index.ts';
import { GitErrorCode, gitFailure, type GitError } from './errors.ts';
import type { GitAuth } from './types.ts';
import type { GitUrl } from './url.ts';

/** Variables passed through from the operator's env: proxies and CA bundles, nothing else. */
const PASSED_THROUGH = [
  'PATH',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'GIT_SSL_CAINFO',
  'GIT_SSL_CAPATH',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'CURL_CA_BUNDLE',
] as const;

/** Config for every run, passed as GIT_CONFIG_KEY_n/VALUE_n (env, not argv: not in `ps`). */
const BASE_CONFIG: readonly (readonly [string, string])[] = [
  ['credential.helper', ''],
  ['core.askPass', ''],
  ['core.hooksPath', '/dev/null'],
  ['init.defaultBranch', 'main'],
  ['advice.detachedHead', 'false'],
  ['gc.auto', '0'],
  ['maintenance.auto', 'false'],
  ['protocol.version', '2'],
  // Persistent mirrors keep no reflogs: a ref update never writes the remote URL to disk.
  ['core.logAllRefUpdates', 'false'],
];

export type GitEnvironment = {
  readonly env: Record<string, string>;
  /** Values to mask in anything that leaves this module. */
  readonly secrets: readonly string[];
};

export type EnvironmentOptions = {
  readonly url: GitUrl;
  readonly auth: GitAuth;
  /** A private 0700 temp dir of this call: HOME and credential files go here; removed after. */
  readonly scratchDir: string;
  readonly baseEnv: NodeJS.ProcessEnv;
  readonly allowFileUrls: boolean;
  readonly timeoutMs: number;
};

/** Single-quotes a word for the shell git runs GIT_SSH_COMMAND with. */
function quoteForShell(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function withTrailingNewline(text: string): string {
  const normalized = text.replace(/\r\n/g, '\n');
  return normalized.endsWith('\n') ? normalized : `${normalized}\n`;
}

async function sshCommand(options: EnvironmentOptions): Promise<string> {
  const { auth, scratchDir } = options;
  const knownHostsFile = join(scratchDir, 'known_hosts');
  const knownHosts = auth.kind === 'ssh' ? withTrailingNewline(auth.knownHosts) : '';
  await writeFile(knownHostsFile, knownHosts, { mode: 0o600 });
  const words = ['ssh', '-F', '/dev/null'];
  if (auth.kind === 'ssh') {
    const keyFile = join(scratchDir, 'identity');
    await writeFile(keyFile, withTrailingNewline(auth.identity), { mode: 0o600 });
    words.push('-i', quoteForShell(keyFile), '-o', 'IdentitiesOnly=yes');
  }
  const connectSeconds = Math.max(1, Math.min(30, Math.ceil(options.timeoutMs / 1000)));
  words.push(
    '-o',
    quoteForShell(`UserKnownHostsFile=${knownHostsFile}`),
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'UpdateHostKeys=no',
    '-o',
    'PasswordAuthentication=no',
    '-o',
    `ConnectTimeout=${connectSeconds}`,
  );
  return words.join(' ');
}

function httpHeader(auth: GitAuth): { header: string; secrets: string[] } | undefined {
  if (auth.kind === 'basic') {
    const encoded = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
    return { header: `Authorization: Basic ${encoded}`, secrets: [auth.password, encoded] };
  }
  if (auth.kind === 'bearer') {
    return { header: `Authorization: Bearer ${auth.token}`, secrets: [auth.token] };
  }
  return undefined;
}

/** A git config value in double quotes, so `#`, `;` and spaces are taken as they are. */
function quoteConfigValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Writes the HTTP auth header as git config into the call's private scratch dir (0700, removed
 * after the call), readable only by the operator's user; returns its path for GIT_CONFIG_GLOBAL.
 */
async function writeCredentialConfig(scratchDir: string, header: string): Promise<string> {
  const file = join(scratchDir, 'credentials.gitconfig');
  await writeFile(file, `[http]\n\textraHeader = ${quoteConfigValue(header)}\n`, { mode: 0o600 });
  return file;
}

function authFits(auth: GitAuth, url: GitUrl): boolean {
  if (auth.kind === 'none') return true;
  if (auth.kind === 'ssh') return url.transport === 'ssh';
  return url.transport === 'http';
}

/** The env every git run starts from: PATH and proxies only, a private HOME, no config, no prompts. */
async function baseEnvironment(
  scratchDir: string,
  baseEnv: NodeJS.ProcessEnv,
  config: readonly (readonly [string, string])[],
): Promise<Record<string, string>> {
  const home = join(scratchDir, 'home');
  await mkdir(home, { recursive: true, mode: 0o700 });
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = baseEnv[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, {
    HOME: home,
    XDG_CONFIG_HOME: home,
    LC_ALL: 'C',
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: String(config.length),
  });
  config.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return env;
}

/**
 * The env for git runs against one remote: nothing from the operator's user config or env leaks
 * in (no HOME config, no system config, no prompts), credentials go in via env or 0600 files in
 * the scratch dir, never via argv or the URL.
 */
export async function prepareEnvironment(
  options: EnvironmentOptions,
): Promise<Result<GitEnvironment, GitError>> {
  const { url, auth, scratchDir } = options;
  if (!authFits(auth, url)) {
    const detail = `${auth.kind} credentials cannot be used with a ${url.transport} URL`;
    return err(
      gitFailure(GitErrorCode.InvalidCredentials, { op: 'auth', url: url.redacted }, { detail }),
    );
  }
  const secrets: string[] = url.password === undefined ? [] : [url.password];
  const header = httpHeader(auth);
  if (header && /[\r\n\0]/.test(header.header)) {
    const detail = 'the credentials hold a line break or NUL byte';
    return err(
      gitFailure(GitErrorCode.InvalidCredentials, { op: 'auth', url: url.redacted }, { detail }),
    );
  }
  const env = await baseEnvironment(scratchDir, options.baseEnv, BASE_CONFIG);
  if (header) {
    // Not in the env: /proc/PID/environ of git and its helpers is readable while they run.
    env.GIT_CONFIG_GLOBAL = await writeCredentialConfig(scratchDir, header.header);
    secrets.push(...header.secrets);
  }
  Object.assign(env, {
    GIT_ALLOW_PROTOCOL: options.allowFileUrls ? 'http:https:ssh:file' : 'http:https:ssh',
    GIT_SSH_COMMAND: await sshCommand(options),
    GIT_SSH_VARIANT: 'ssh',
  });
  return ok({ env, secrets });
}

/** The env for git runs that only read or write a local repository: no remote may be reached. */
export async function prepareLocalEnvironment(
  scratchDir: string,
  baseEnv: NodeJS.ProcessEnv,
): Promise<Record<string, string>> {
  const env = await baseEnvironment(scratchDir, baseEnv, BASE_CONFIG);
  // No transport at all: a local run that tried to reach a remote (e.g. a lazy fetch) fails.
  env.GIT_ALLOW_PROTOCOL = 'none';
  env.GIT_NO_LAZY_FETCH = '1';
  return env;
}
