// Git credentials for commands that talk to a remote without a cluster (`moor fleet status`,
// `moor bootstrap git`): `--secret-file FILE`, a Secret manifest with the keys a GitRepository's
// Secret has (`username`/`password`, `bearerToken`, `identity`/`known_hosts`), in `data`
// (base64) or `stringData`. No file: anonymous (or file://).
import { readFile, stat } from 'node:fs/promises';
import { parse } from 'yaml';
import type { GitAuth } from '../git/index.ts';
import { loadGit } from './parts.ts';
import { CliError } from './errors.ts';

/** A Secret manifest is small; a larger file is not one. */
const MAX_SECRET_FILE_BYTES = 1 << 20;

type SecretDoc = { kind?: unknown; data?: unknown; stringData?: unknown };

function stringsOf(value: unknown, file: string, field: string, decode: boolean) {
  const out: Record<string, string> = {};
  if (value === undefined || value === null) return out;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new CliError(`--secret-file ${file}: ${field} is not a map of strings`);
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string')
      throw new CliError(`--secret-file ${file}: ${field}.${key} is not a string`);
    if (decode && !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(v))
      throw new CliError(`--secret-file ${file}: ${field}.${key} is not base64`);
    out[key] = decode ? Buffer.from(v, 'base64').toString('utf8') : v;
  }
  return out;
}

/** The keys and values of the Secret manifest in `file` (`data` decoded, `stringData` over it). */
export async function readSecretFile(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    if ((await stat(file)).size > MAX_SECRET_FILE_BYTES)
      throw new CliError(`--secret-file ${file}: larger than ${MAX_SECRET_FILE_BYTES} bytes`);
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`--secret-file ${file}: ${(e as Error).message}`, { cause: e });
  }
  let doc: SecretDoc;
  try {
    doc = parse(text) as SecretDoc;
  } catch (e) {
    throw new CliError(`--secret-file ${file}: not YAML: ${(e as Error).message}`, { cause: e });
  }
  if (!doc || typeof doc !== 'object' || doc.kind !== 'Secret')
    throw new CliError(`--secret-file ${file}: not a Secret manifest (kind: Secret)`);
  return {
    ...stringsOf(doc.data, file, 'data', true),
    ...stringsOf(doc.stringData, file, 'stringData', false),
  };
}

/** Credentials for `url` from the Secret data of `--secret-file` (none: anonymous). */
export async function gitAuthFrom(
  data: Readonly<Record<string, string>> | undefined,
  file: string,
  url: string,
): Promise<GitAuth> {
  const git = await loadGit();
  const kind = git.classifyUrl(url, '--url', true);
  if (!kind.ok) throw new CliError(kind.error.message, { cause: kind.error });
  if (data === undefined) return { kind: 'none' };
  const auth = git.authFromSecret(data, kind.value, { source: '--url', secret: file, url });
  if (!auth.ok) throw new CliError(auth.error.message, { cause: auth.error });
  return auth.value;
}

/** Reads `--secret-file` (when given) into credentials for `url`. */
export async function gitAuthOf(file: string | undefined, url: string): Promise<GitAuth> {
  const data = file === undefined ? undefined : await readSecretFile(file);
  return gitAuthFrom(data, file ?? '', url);
}
