// Registry credentials from a Secret: a kubernetes.io/dockerconfigjson `.dockerconfigjson`
// (`auths[host].auth` or `.username`/`.password`), or plain keys username/password.
import { err, ok, type Result, type SecretData } from '../core/index.ts';
import { ImageErrorCodes, imageError, type ImageError } from './errors.ts';

export type RegistryCredentials = { readonly username: string; readonly password: string };

type AuthEntry = { auth?: unknown; username?: unknown; password?: unknown };

function hostOf(key: string): string {
  return key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}

function fromEntry(entry: AuthEntry): RegistryCredentials | undefined {
  if (typeof entry.username === 'string' && typeof entry.password === 'string')
    return { username: entry.username, password: entry.password };
  if (typeof entry.auth !== 'string') return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function fromDockerConfig(
  text: string,
  registry: string,
  subject: string,
): Result<RegistryCredentials, ImageError> {
  const fail = (detail: string) =>
    err(imageError(ImageErrorCodes.SecretInvalid, { subject }, detail));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail('.dockerconfigjson is not JSON');
  }
  const auths = (parsed as { auths?: unknown } | null)?.auths;
  if (typeof auths !== 'object' || auths === null) return fail('.dockerconfigjson has no auths');
  for (const [key, entry] of Object.entries(auths as Record<string, AuthEntry>)) {
    if (hostOf(key) !== registry) continue;
    const credentials = fromEntry(entry);
    if (credentials) return ok(credentials);
    return fail(`.dockerconfigjson entry for ${registry} has neither auth nor username/password`);
  }
  return fail(`.dockerconfigjson has no entry for ${registry}`);
}

/** The credentials for `registry` in a Secret's data; `subject` names the Secret in errors. */
export function credentialsFromSecret(
  data: SecretData,
  registry: string,
  subject: string,
): Result<RegistryCredentials, ImageError> {
  const config = data['.dockerconfigjson'];
  if (config !== undefined) return fromDockerConfig(config, registry, subject);
  if (data.username && data.password)
    return ok({ username: data.username, password: data.password });
  const detail = 'needs .dockerconfigjson, or both username and password';
  return err(imageError(ImageErrorCodes.SecretInvalid, { subject }, detail));
}
