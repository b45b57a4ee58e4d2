/** Which transport a GitRepository URL uses, and whether it is allowed (pure). */
import { err, ok, type Result } from '../core/index.ts';
import { SourceError, SourceErrorCodes } from './errors.ts';

export type UrlKind = 'http' | 'ssh' | 'file';

const scpLike = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!\/\/)/;

export function classifyUrl(
  url: string,
  source: string,
  allowFileUrls: boolean,
): Result<UrlKind, SourceError> {
  const fail = (code: SourceError['code'], message: string) =>
    err(new SourceError(code, `${source}: ${message}`, { source, url: redactUrl(url) }));
  if (scpLike.test(url)) return ok('ssh');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(
      SourceErrorCodes.invalidUrl,
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
            SourceErrorCodes.fileUrlsDisabled,
            `file:// URLs are refused unless the operator runs with --allow-file-urls`,
          );
    default:
      return fail(
        SourceErrorCodes.invalidUrl,
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
