/**
 * Which transport a resource's URL uses, and whether Moor accepts it (pure): checked before any
 * Secret is read, with a message naming the resource. parseGitUrl checks it again before git runs.
 */
import { err, ok, type Result } from '../core/index.ts';
import { GitError, GitErrorCode } from './errors.ts';
import type { GitTransport } from './url.ts';

const scpLike = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!\/\/)/;

export function classifyUrl(
  url: string,
  source: string,
  allowFileUrls: boolean,
): Result<GitTransport, GitError> {
  const fail = (code: GitErrorCode, message: string) =>
    err(new GitError(code, `${source}: ${message}`, { url: redactUrl(url) }));
  if (scpLike.test(url)) return ok('ssh');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(
      GitErrorCode.InvalidUrl,
      `spec.url ${JSON.stringify(redactUrl(url))} is not a URL (expected https://, http://, ssh://, git@host:path or file://)`,
    );
  }
  switch (parsed.protocol) {
    case 'https:':
    case 'http:':
      return ok('http');
    case 'ssh:':
      return ok('ssh');
    case 'file:':
      return allowFileUrls
        ? ok('file')
        : fail(
            GitErrorCode.FileUrlsDisabled,
            `file:// URLs are refused unless the operator runs with --allow-file-urls`,
          );
    default:
      return fail(
        GitErrorCode.InvalidUrl,
        `unsupported URL scheme ${parsed.protocol} (expected https, http, ssh or file)`,
      );
  }
}

/** The URL without any user:password part, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
