/** Git credentials from a Secret's data (pure): basic, bearer token, or SSH key + known_hosts. */
import { err, ok, type Result } from '../core/index.ts';
import type { GitAuth } from '../git/index.ts';
import { SourceError, SourceErrorCodes } from './errors.ts';
import type { UrlKind } from './url.ts';

export function authFromSecret(
  data: Readonly<Record<string, string>> | undefined,
  kind: UrlKind,
  subject: { source: string; secret: string },
): Result<GitAuth, SourceError> {
  if (!data) return ok({ kind: 'none' });
  const fail = (message: string) =>
    err(
      new SourceError(
        SourceErrorCodes.secret,
        `${subject.source}: Secret ${subject.secret}: ${message}`,
        { source: subject.source },
      ),
    );
  if (kind === 'ssh') {
    const identity = data.identity;
    const knownHosts = data.known_hosts;
    if (!identity) return fail('an ssh URL needs the key `identity` (a private key)');
    if (!knownHosts)
      return fail('an ssh URL needs the key `known_hosts` (host keys are always verified)');
    return ok({ kind: 'ssh', identity, knownHosts });
  }
  if (data.bearerToken) return ok({ kind: 'bearer', token: data.bearerToken });
  if (data.username !== undefined || data.password !== undefined) {
    if (!data.username || !data.password)
      return fail('basic auth needs both `username` and `password`');
    return ok({ kind: 'basic', username: data.username, password: data.password });
  }
  return fail('has none of the keys username/password, bearerToken, identity/known_hosts');
}
