/**
 * SOPS dotenv files (`KEY=ENC[…]` lines and `sops_*` metadata lines, as `sops` writes a `.env`
 * file) decrypted in memory: pure. Each value is opened with AES-256-GCM (its key `KEY:` as
 * additional data), comments (`#ENC[…]`) with `:`, and the MAC over the values in order is
 * verified in constant time. The plaintext exists only in the returned entries.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Result } from '../core/index.ts';
import { err, ok } from '../core/index.ts';
import type { AgeIdentity } from './age.ts';
import type { RenderError } from './errors.ts';
import { decryptionError, openValue, unwrapDataKey, type Metadata } from './sops.ts';

/** One `KEY=value` line of a decrypted dotenv file; the value as `sops decrypt` prints it. */
export type DotenvEntry = { readonly key: string; readonly value: string };

/** Whether a text is a dotenv file `sops` encrypted. */
export function isSopsDotenv(content: string): boolean {
  return /^sops_mac=ENC\[AES256_GCM,/m.test(content);
}

// sops keeps a newline in a dotenv value as `\n`.
const unescape = (value: string) => value.replaceAll('\\n', '\n');
const escape = (value: string) => value.replaceAll('\n', '\\n');

type Line = { readonly key: string; readonly value: string } | { readonly comment: string };

function parseLines(content: string): { lines: Line[]; meta: Map<string, string> } {
  const lines: Line[] = [];
  const meta = new Map<string, string>();
  for (const raw of content.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      lines.push({ comment: line.slice(1) });
      continue;
    }
    const at = line.indexOf('=');
    const key = at < 0 ? line : line.slice(0, at);
    const value = at < 0 ? '' : line.slice(at + 1);
    if (key.startsWith('sops_')) meta.set(key.slice('sops_'.length), unescape(value));
    else lines.push({ key, value });
  }
  return { lines, meta };
}

function metadataOf(meta: ReadonlyMap<string, string>): Metadata {
  const age: { enc: string; recipient: string }[] = [];
  for (let i = 0; meta.has(`age__list_${i}__map_recipient`) && i < 1000; i++) {
    age.push({
      enc: meta.get(`age__list_${i}__map_enc`) ?? '',
      recipient: meta.get(`age__list_${i}__map_recipient`) ?? '',
    });
  }
  return {
    age,
    mac: meta.get('mac') ?? '',
    lastmodified: meta.get('lastmodified') ?? '',
    macOnlyEncrypted: meta.get('mac_only_encrypted') === 'true',
  };
}

/**
 * The entries of a SOPS-encrypted dotenv file `path` (comments dropped); undefined identities:
 * the Sync configures no decryption. A wrong or missing key, an altered value or a MAC that does
 * not match is an error naming the file and its recipients.
 */
export function decryptDotenv(
  path: string,
  content: string,
  identities: readonly AgeIdentity[] | undefined,
): Result<DotenvEntry[], RenderError> {
  const { lines, meta } = parseLines(content);
  const metadata = metadataOf(meta);
  const recipients = metadata.age.map((a) => a.recipient);
  const fail = (message: string) => err(decryptionError(path, { message, recipients }));
  if (!identities) return fail('the Sync sets no spec.decryption');
  const key = unwrapDataKey(metadata, identities);
  if (!key) {
    return fail(
      identities.length === 0
        ? 'no age identity to decrypt it with (spec.decryption.secretRef holds no *.agekey key)'
        : `none of the ${identities.length} age identities of spec.decryption.secretRef is a recipient`,
    );
  }
  const hash = createHash('sha512');
  const entries: DotenvEntry[] = [];
  for (const line of lines) {
    if ('comment' in line) {
      if (line.comment.startsWith('ENC[') && !openValue(line.comment, key, ':'))
        return fail('a comment does not decrypt: the file was altered');
      continue;
    }
    if (line.value.startsWith('ENC[AES256_GCM,')) {
      const opened = openValue(line.value, key, `${line.key}:`);
      if (!opened) return fail(`value ${line.key} does not decrypt: the file was altered`);
      hash.update(opened.text, 'utf8');
      entries.push({ key: line.key, value: escape(opened.text) });
    } else {
      if (!metadata.macOnlyEncrypted) hash.update(unescape(line.value), 'utf8');
      entries.push(line);
    }
  }
  const computed = Buffer.from(hash.digest('hex').toUpperCase(), 'utf8');
  const expected = Buffer.from(openValue(metadata.mac, key, metadata.lastmodified)?.text ?? '');
  if (expected.length !== computed.length || !timingSafeEqual(expected, computed))
    return fail('its MAC does not match: the file was altered after encryption');
  return ok(entries);
}
