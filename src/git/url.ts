import { err, ok, type Result } from '../core/index.ts';
import { GitErrorCode, gitFailure, type GitError } from './errors.ts';

export type GitTransport = 'http' | 'ssh' | 'file';

export type GitUrl = {
  readonly transport: GitTransport;
  /** The URL as git gets it. */
  readonly url: string;
  /** The URL for messages and logs: no password, and for http(s) no userinfo at all. */
  readonly redacted: string;
  /** A password embedded in the URL, to be masked in output. */
  readonly password?: string;
};

// `user@host:path` (scp-like syntax); git takes it as SSH when there is no `/` before the colon.
const scpLike = /^(?:[^@/\s]+@)?[^@/:\s]+:(?!\/\/)\S+$/;

/** Classifies a remote URL; file:// URLs only when allowed (DESIGN.md `--allow-file-urls`). */
export function parseGitUrl(raw: string, allowFileUrls: boolean): Result<GitUrl, GitError> {
  const invalid = (detail: string): Result<GitUrl, GitError> =>
    err(gitFailure(GitErrorCode.InvalidUrl, { op: 'remote', url: redactLoosely(raw) }, { detail }));
  if (raw.startsWith('-') || /[\s\p{Cc}]/u.test(raw)) return invalid('unexpected characters');
  if (!raw.includes('://')) {
    return scpLike.test(raw)
      ? ok({ transport: 'ssh', url: raw, redacted: raw })
      : invalid('expected http(s)://, ssh://, user@host:path or file://');
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return invalid('malformed URL');
  }
  const transport = transportOf(parsed.protocol);
  if (transport === undefined) return invalid(`unsupported scheme ${parsed.protocol}`);
  if (transport === 'file' && !allowFileUrls) return invalid('file:// URLs are not allowed');
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  const redacted = new URL(raw);
  redacted.password = '';
  if (transport === 'http') redacted.username = '';
  return ok({
    transport,
    url: raw,
    redacted: redacted.href,
    ...(password === undefined ? {} : { password }),
  });
}

function transportOf(protocol: string): GitTransport | undefined {
  switch (protocol) {
    case 'http:':
    case 'https:':
      return 'http';
    case 'ssh:':
      return 'ssh';
    case 'file:':
      return 'file';
    default:
      return undefined;
  }
}

/** Userinfo stripped from anything URL-like, for messages about URLs that did not parse. */
export function redactLoosely(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
