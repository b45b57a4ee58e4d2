/**
 * SOPS decryption in memory (YAML and JSON as `sops` writes them), with age identities: pure.
 *
 * A document carrying a top-level `sops` mapping is encrypted: its data key is unwrapped from one
 * of `sops.age[].enc` (age), every `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` value is opened
 * with AES-256-GCM (the value's key path `a:b:` as additional data), and the MAC (SHA-512 over
 * every value in order, itself encrypted with `lastmodified` as additional data) is verified over
 * all documents that carry the same MAC (one file as `sops` wrote it). The plaintext exists only
 * in the returned text.
 */
import { createDecipheriv, createHash, timingSafeEqual, type Hash } from 'node:crypto';
import type { Document, Node, Scalar } from 'yaml';
import { isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Result } from '../core/index.ts';
import { err, ok } from '../core/index.ts';
import { decryptAge, dearmorAge, parseAgeIdentity, type AgeIdentity } from './age.ts';
import { RenderError, RenderErrorCode } from './errors.ts';
import type { ManifestFile } from './types.ts';

const ENC = /^ENC\[AES256_GCM,data:([^,]*),iv:([^,]+),tag:([^,]+),type:([a-z]+)\]$/;

/** A cheap test: whether a manifest file may hold a SOPS-encrypted document. */
export function mayBeSopsEncrypted(content: string): boolean {
  return /^sops:|"sops"\s*:/m.test(content) && content.includes('ENC[AES256_GCM,');
}

const MAC_LINE = /^\s*"?mac"?\s*:\s*"?(ENC\[AES256_GCM,[^\]]+\])/gm;

/** The `sops.mac` values of a text (one per file `sops` wrote). */
export function sopsMacsOf(text: string): Set<string> {
  return new Set([...text.matchAll(MAC_LINE)].map((m) => m[1] ?? ''));
}

export type Metadata = {
  readonly age: readonly { readonly enc: string; readonly recipient: string }[];
  readonly mac: string;
  readonly lastmodified: string;
  readonly macOnlyEncrypted: boolean;
};

function metadataOf(doc: Document): Metadata | undefined {
  const contents = doc.contents;
  if (!isMap(contents) || !contents.has('sops')) return undefined;
  const raw = (contents.toJSON() as { sops?: unknown }).sops as Record<string, unknown> | undefined;
  if (!raw || typeof raw !== 'object') return undefined;
  const age = Array.isArray(raw.age)
    ? (raw.age as Record<string, unknown>[]).map((a) => ({
        enc: typeof a.enc === 'string' ? a.enc : '',
        recipient: typeof a.recipient === 'string' ? a.recipient : '',
      }))
    : [];
  return {
    age,
    mac: typeof raw.mac === 'string' ? raw.mac : '',
    lastmodified: typeof raw.lastmodified === 'string' ? raw.lastmodified : '',
    macOnlyEncrypted: raw.mac_only_encrypted === true,
  };
}

/** Opens one `ENC[…]` value; undefined when it does not authenticate. */
export function openValue(
  value: string,
  key: Buffer,
  aad: string,
): { text: string; type: string } | undefined {
  const m = ENC.exec(value);
  if (!m) return undefined;
  const [, data = '', iv = '', tag = '', type = ''] = m;
  try {
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(Buffer.from(tag, 'base64'));
    const text = Buffer.concat([d.update(Buffer.from(data, 'base64')), d.final()]).toString('utf8');
    return { text, type };
  } catch {
    return undefined;
  }
}

/** The value a decrypted text stands for, by its sops type. */
function typed(text: string, type: string): unknown {
  if (type === 'int' || type === 'float') return Number(text);
  if (type === 'bool') return text.toLowerCase() === 'true';
  return text;
}

/** The bytes of a plain value as sops hashes them (Go's formatting of scalars). */
function bytesOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

type Walk = { readonly key: Buffer; readonly hash: Hash; readonly macOnlyEncrypted: boolean };

/** Decrypts the values under `node` in place; the path of the first that fails, if one does. */
function walk(node: Node | null, path: readonly string[], w: Walk): string | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (path.length === 0 && key === 'sops') continue;
      const failed = walk(pair.value as Node | null, [...path, key], w);
      if (failed !== undefined) return failed;
    }
    return undefined;
  }
  if (isSeq(node)) {
    for (const item of node.items) {
      const failed = walk(item as Node | null, path, w);
      if (failed !== undefined) return failed;
    }
    return undefined;
  }
  return isScalar(node) ? openScalar(node, path, w) : undefined;
}

/** Decrypts one scalar (or hashes a plain one); its path when it does not decrypt. */
function openScalar(node: Scalar, path: readonly string[], w: Walk): string | undefined {
  if (typeof node.value === 'string' && node.value.startsWith('ENC[AES256_GCM,')) {
    const opened = openValue(node.value, w.key, `${path.join(':')}:`);
    if (!opened) return path.join('.');
    node.value = typed(opened.text, opened.type);
    delete node.type;
    w.hash.update(opened.text, 'utf8');
  } else if (!w.macOnlyEncrypted) w.hash.update(bytesOf(node.value), 'utf8');
  return undefined;
}

export type SopsFailure = {
  /** What failed, for the message. */
  readonly message: string;
  readonly recipients: readonly string[];
};

/** The file's data key, unwrapped with the first identity that is one of its recipients. */
export function unwrapDataKey(
  meta: Metadata,
  identities: readonly AgeIdentity[],
): Buffer | undefined {
  for (const entry of meta.age) {
    const key = decryptAge(dearmorAge(entry.enc), identities);
    if (key?.length === 32) return key;
  }
  return undefined;
}

/** Decrypts the documents of one file (those sharing one MAC) and checks their MAC. */
function decryptGroup(
  docs: readonly Document[],
  meta: Metadata,
  identities: readonly AgeIdentity[],
  checkMac: boolean,
): SopsFailure | undefined {
  const recipients = meta.age.map((a) => a.recipient);
  const key = unwrapDataKey(meta, identities);
  if (!key) {
    const message =
      identities.length === 0
        ? 'no age identity to decrypt it with (spec.decryption.secretRef holds no *.agekey key)'
        : `none of the ${identities.length} age identities of spec.decryption.secretRef is a recipient`;
    return { message, recipients };
  }
  const w: Walk = { key, hash: createHash('sha512'), macOnlyEncrypted: meta.macOnlyEncrypted };
  for (const doc of docs) {
    const failed = walk(doc.contents, [], w);
    if (failed !== undefined)
      return { message: `value ${failed} does not decrypt: the file was altered`, recipients };
    if (isMap(doc.contents)) doc.contents.delete('sops');
  }
  if (!checkMac) return undefined;
  const computed = Buffer.from(w.hash.digest('hex').toUpperCase(), 'utf8');
  const stored = openValue(meta.mac, key, meta.lastmodified);
  const expected = Buffer.from(stored?.text ?? '', 'utf8');
  if (expected.length !== computed.length || !timingSafeEqual(expected, computed))
    return { message: 'its MAC does not match: the file was altered after encryption', recipients };
  return undefined;
}

/**
 * Decrypts the SOPS-encrypted documents of a manifest file (YAML or JSON); a file without any is
 * returned as it is. A wrong or missing key, an altered value or a MAC that does not match is an
 * error naming the file and the recipients it was encrypted for.
 */
export function decryptManifest(
  file: ManifestFile,
  identities: readonly AgeIdentity[] | undefined,
): Result<ManifestFile, RenderError> {
  // Identities undefined: the Sync configures no decryption, and an encrypted file is an error
  // rather than ciphertext applied as values.
  if (!mayBeSopsEncrypted(file.content)) return ok(file);
  const docs = parseAllDocuments(file.content, { logLevel: 'error' });
  if (!Array.isArray(docs)) return ok(file);
  const groups = new Map<string, { meta: Metadata; docs: Document[] }>();
  for (const doc of docs) {
    const meta = metadataOf(doc);
    if (!meta) continue;
    const group = groups.get(meta.mac) ?? { meta, docs: [] };
    group.docs.push(doc);
    groups.set(meta.mac, group);
  }
  if (groups.size === 0) return ok(file);
  for (const { meta, docs: group } of groups.values()) {
    // Rewritten by kustomize: the MAC is verified on the file sops wrote, each value by its tag.
    const source = file.sopsSources?.find((s) => sopsMacsOf(s.content).has(meta.mac));
    if (source && identities) {
      const verified = decryptManifest({ path: source.path, content: source.content }, identities);
      if (!verified.ok) return verified;
    }
    const failure = identities
      ? decryptGroup(group, meta, identities, source === undefined)
      : {
          message: 'the Sync sets no spec.decryption',
          recipients: meta.age.map((a) => a.recipient),
        };
    if (failure) return err(decryptionError(file.path, failure));
  }
  const texts = docs.map((d, i) => {
    const text = String(d);
    return i === 0 || text.startsWith('---') ? text : `---\n${text}`;
  });
  return ok({ path: file.path, content: texts.join('') });
}

export function decryptionError(path: string, failure: SopsFailure): RenderError {
  const list = failure.recipients.length > 0 ? failure.recipients.join(', ') : 'no age recipient';
  return new RenderError(
    RenderErrorCode.decryptionFailed,
    `${path}: SOPS-encrypted file not decrypted: ${failure.message}; it is encrypted for ${list}`,
    { file: path, recipients: failure.recipients },
  );
}

/** Decrypts every manifest file (see decryptManifest); identities as `AGE-SECRET-KEY-1…` text. */
export function decryptManifests(
  files: readonly ManifestFile[],
  identities: readonly string[] | undefined,
): Result<ManifestFile[], RenderError> {
  if (!files.some((f) => mayBeSopsEncrypted(f.content))) return ok([...files]);
  const parsed = identities?.flatMap((t) => parseAgeIdentity(t) ?? []);
  const out: ManifestFile[] = [];
  for (const file of files) {
    const res = decryptManifest(file, parsed);
    if (!res.ok) return res;
    out.push(res.value);
  }
  return ok(out);
}
