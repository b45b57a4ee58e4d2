import { MoorError } from '../core/index.ts';

export const GitErrorCode = {
  /** The URL is not one Moor accepts (http(s), ssh, `user@host:path`, file:// when allowed). */
  InvalidUrl: 'InvalidUrl',
  /** A file:// URL while the operator runs without `--allow-file-urls`. */
  FileUrlsDisabled: 'FileUrlsDisabled',
  /** A Secret's keys make no credentials for the URL (e.g. an ssh URL without `identity`). */
  SecretInvalid: 'SecretInvalid',
  /** The credentials do not fit the URL (e.g. an SSH key for an https URL). */
  InvalidCredentials: 'InvalidCredentials',
  /** The ref spec is malformed (no ref, two refs, bad semver range, short commit). */
  InvalidRef: 'InvalidRef',
  Unreachable: 'Unreachable',
  Unauthorized: 'Unauthorized',
  /** The SSH server's host key is not in known_hosts. */
  HostKeyRejected: 'HostKeyRejected',
  RepositoryNotFound: 'RepositoryNotFound',
  RefNotFound: 'RefNotFound',
  Timeout: 'Timeout',
  Aborted: 'Aborted',
  Failed: 'Failed',
} as const;
export type GitErrorCode = (typeof GitErrorCode)[keyof typeof GitErrorCode];

export type GitErrorData = {
  /** The remote URL without credentials. */
  readonly url: string;
  readonly ref?: string;
  /** git's stderr with secrets masked. */
  readonly stderr?: string;
  readonly exitCode?: number | null;
};

export class GitError extends MoorError<GitErrorCode, GitErrorData> {}

const MASK = '***';

/** Replaces every secret (and any userinfo/Authorization value) in `text` by `***`. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) {
    if (secret.length >= 3) masked = masked.split(secret).join(MASK);
  }
  return masked
    .replace(/(\/\/)[^/@\s]+@/g, `$1${MASK}@`)
    .replace(/(Authorization:\s*\w+\s+)\S+/gi, `$1${MASK}`);
}

const patterns: readonly (readonly [GitErrorCode, RegExp])[] = [
  [
    GitErrorCode.HostKeyRejected,
    /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known/i,
  ],
  [
    GitErrorCode.Unauthorized,
    /Authentication failed|could not read (Username|Password)|terminal prompts disabled|returned error: 40[13]|Permission denied \(|Permission denied, please try again|Access denied/i,
  ],
  [
    GitErrorCode.Unreachable,
    /Could not resolve host|Failed to connect|Connection refused|Couldn't connect|Connection timed out|No route to host|Network is unreachable|Connection reset|Connection closed by|kex_exchange_identification|Empty reply from server/i,
  ],
  [
    GitErrorCode.RepositoryNotFound,
    /repository '[^']*' not found|does not appear to be a git repository|returned error: 404|not a git repository/i,
  ],
  [
    GitErrorCode.RefNotFound,
    /couldn't find remote ref|not our ref|unadvertised object|Remote branch \S+ not found|no such remote ref/i,
  ],
];

/** What went wrong, judged from git's stderr (run with LC_ALL=C). */
export function classifyGitStderr(stderr: string): GitErrorCode {
  for (const [code, pattern] of patterns) {
    if (pattern.test(stderr)) return code;
  }
  return GitErrorCode.Failed;
}

/** The line of stderr that says most: the first `fatal:`/`error:`/ssh line, else the last line. */
export function summarizeStderr(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const telling =
    lines.find((line) => /^(fatal|error|ssh):|Permission denied|Host key|denied/i.test(line)) ??
    lines.at(-1) ??
    '';
  return telling.length > 300 ? `${telling.slice(0, 300)}…` : telling;
}

export type FailureContext = {
  /** What was attempted: `ls-remote`, `fetch`, `push`. */
  readonly op: string;
  readonly url: string;
  readonly ref?: string | undefined;
};

function subject(context: FailureContext): string {
  const ref = context.ref === undefined ? '' : `(ref ${context.ref})`;
  return ['git', context.op, context.url, ref].filter(Boolean).join(' ');
}

/** A GitError whose message names the operation, the URL and the ref, with stderr in data. */
export function gitFailure(
  code: GitErrorCode,
  context: FailureContext,
  details: { detail?: string; stderr?: string; exitCode?: number | null; cause?: unknown } = {},
): GitError {
  const reasons: Record<GitErrorCode, string> = {
    InvalidUrl: 'invalid URL',
    FileUrlsDisabled: 'file:// URLs are not allowed',
    SecretInvalid: 'invalid Secret',
    InvalidCredentials: 'credentials do not fit the URL',
    InvalidRef: 'invalid ref',
    Unreachable: 'remote unreachable',
    Unauthorized: 'unauthorized',
    HostKeyRejected: 'host key not in known_hosts',
    RepositoryNotFound: 'repository not found',
    RefNotFound: 'ref not found',
    Timeout: 'timed out',
    Aborted: 'aborted',
    Failed: 'failed',
  };
  const detail = details.detail ?? (details.stderr ? summarizeStderr(details.stderr) : '');
  const message = `${subject(context)}: ${reasons[code]}${detail ? `: ${detail}` : ''}`;
  const data: GitErrorData = {
    url: context.url,
    ...(context.ref === undefined ? {} : { ref: context.ref }),
    ...(details.stderr === undefined ? {} : { stderr: details.stderr }),
    ...(details.exitCode === undefined ? {} : { exitCode: details.exitCode }),
  };
  return new GitError(code, message, data, { cause: details.cause });
}
