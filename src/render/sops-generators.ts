/**
 * SOPS-encrypted files as inputs of a kustomization's secretGenerator (`envs:` dotenv files,
 * `files:` of any format sops writes), without plaintext on disk (ADR 0028). Before the build,
 * each such file in the private copy is replaced by placeholders: `moor-sops-` and an HMAC of the
 * plaintext keyed by the Sync's age identities, so the generated name's hash changes when the
 * secret does and the copy reveals nothing. After the build, the base64 of each placeholder in
 * the output (a Secret's `data`) is swapped, in memory, for the base64 of its plaintext. A
 * placeholder left anywhere else (a configMapGenerator, a replacement) is an error.
 */
import { createHash, createHmac } from 'node:crypto';
import { extname } from 'node:path';
import { parse } from 'yaml';
import type { Result } from '../core/index.ts';
import { err, ok } from '../core/index.ts';
import type { AgeIdentity } from './age.ts';
import { RenderError, RenderErrorCode } from './errors.ts';
import type { GeneratorInput } from './kustomize-graph.ts';
import { decryptDotenv, isSopsDotenv } from './sops-dotenv.ts';
import { decryptManifest, mayBeSopsEncrypted } from './sops.ts';

/** What a build's output needs to get its plaintext back (one per private copy). */
export type SealedInputs = {
  /** base64 of a placeholder → base64 of its plaintext. */
  readonly swaps: Map<string, string>;
  /** A placeholder → the file (relative to the root) it stands in for. */
  readonly placeholders: Map<string, string>;
};

export const noSealedInputs = (): SealedInputs => ({ swaps: new Map(), placeholders: new Map() });

const PREFIX = 'moor-sops-';

type Seal = {
  readonly hmacKey: Buffer;
  readonly swaps: Map<string, string>;
  readonly placeholders: Map<string, string>;
};

function placeholder(seal: Seal, path: string, plaintext: string): string {
  const mac = createHmac('sha256', seal.hmacKey).update(plaintext, 'utf8').digest('hex');
  const name = `${PREFIX}${mac.slice(0, 40)}`;
  seal.swaps.set(Buffer.from(name).toString('base64'), Buffer.from(plaintext).toString('base64'));
  seal.placeholders.set(name, path);
  return name;
}

/** The HMAC key of a Sync's placeholders: its identities, so the copy reveals nothing. */
export function placeholderKey(identities: readonly string[] | undefined): Buffer {
  return createHash('sha256')
    .update(`moor sops placeholder\n${[...(identities ?? [])].sort().join('\n')}`)
    .digest();
}

/**
 * The text that stands in the private copy for a generator input `path` (relative to the root),
 * noting its placeholders in `sealed`; undefined when the file is not SOPS-encrypted.
 * `identities`: undefined when the Sync sets no decryption.
 */
export function sealGeneratorInput(
  file: { readonly path: string; readonly content: string; readonly input: GeneratorInput },
  identities: readonly AgeIdentity[] | undefined,
  at: { readonly key: Buffer; readonly sealed: SealedInputs },
): Result<string | undefined, RenderError> {
  const { path, content, input } = file;
  const seal: Seal = { hmacKey: at.key, ...at.sealed };
  if (isSopsDotenv(content)) {
    const entries = decryptDotenv(path, content, identities);
    if (!entries.ok) return entries;
    if (input.use === 'envs')
      return ok(
        entries.value.map((e) => `${e.key}=${placeholder(seal, path, e.value)}\n`).join(''),
      );
    const text = entries.value.map((e) => `${e.key}=${e.value}\n`).join('');
    return ok(placeholder(seal, path, text));
  }
  if (!mayBeSopsEncrypted(content)) return ok(undefined);
  const decrypted = decryptManifest({ path, content }, identities);
  if (!decrypted.ok) return decrypted;
  if (input.use === 'envs') {
    const message = `${path}: ${input.field} envs entry is a SOPS-encrypted ${extname(path) || 'file'} file, not a dotenv file`;
    return err(new RenderError(RenderErrorCode.decryptionFailed, message, { file: path }));
  }
  return ok(placeholder(seal, path, plaintextOf(path, decrypted.value.content)));
}

/** A decrypted file as `sops decrypt` prints it: YAML, JSON (tab-indented), or binary data. */
function plaintextOf(path: string, yamlText: string): string {
  const ext = extname(path).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return yamlText;
  const value: unknown = parse(yamlText);
  const isBinary =
    ext !== '.json' &&
    typeof value === 'object' &&
    value !== null &&
    Object.keys(value).length === 1 &&
    typeof (value as { data?: unknown }).data === 'string';
  if (isBinary) return (value as { data: string }).data;
  return `${JSON.stringify(value, null, '\t')}\n`;
}

/** The build output with each placeholder's plaintext back, or an error if one is left over. */
export function unsealOutput(
  text: string,
  sealed: SealedInputs,
  kustomization: string,
): Result<string, RenderError> {
  if (sealed.swaps.size === 0) return ok(text);
  let out = text;
  for (const [from, to] of sealed.swaps) out = out.replaceAll(from, to);
  for (const [name, path] of sealed.placeholders) {
    if (!out.includes(name)) continue;
    const message = `${kustomization}: SOPS-encrypted ${path} is used outside a Secret's data (only a secretGenerator may read a SOPS file)`;
    return err(new RenderError(RenderErrorCode.decryptionFailed, message, { file: path }));
  }
  return ok(out);
}
