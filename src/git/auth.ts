/** Git credentials from a Secret's data (pure): basic, bearer token, or SSH key + known_hosts. */
import { err, ok, type Result } from '../core/index.ts';
import { redactUrl } from './classify-url.ts';
import { GitError, GitErrorCode } from './errors.ts';
import type { GitAuth } from './types.ts';
import type { GitTransport } from './url.ts';

export function authFromSecret(
  data: Readonly<Record<string, string>> | undefined,
  kind: GitTransport,
  subject: { source: string; secret: string; url: string },
): Result<GitAuth, GitError> {
  if (!data) return ok({ kind: 'none' });
  const fail = (message: string) =>
    err(
      new GitError(
        GitErrorCode.SecretInvalid,
        `${subject.source}: Secret ${subject.secret}: ${message}`,
        { url: redactUrl(subject.url) },
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
