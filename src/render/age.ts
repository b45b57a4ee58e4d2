/**
 * age decryption (age-encryption.org/v1) with X25519 identities, in memory, on node:crypto: the
 * part SOPS needs to unwrap a file's data key. Pure: bytes in, bytes out.
 *
 * Identity: Bech32 `AGE-SECRET-KEY-1…`. Header: `-> X25519 <share>` stanzas, whose body is the
 * file key wrapped with ChaCha20-Poly1305 under HKDF-SHA256(X25519(identity, share),
 * share ‖ recipient, "age-encryption.org/v1/X25519"); the header MAC is HMAC-SHA256 under
 * HKDF(file key, "", "header"). Payload: a 16-byte nonce, then STREAM chunks of ChaCha20-Poly1305
 * under HKDF(file key, nonce, "payload").
 */
import {
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';

export type AgeIdentity = {
  readonly privateKey: KeyObject;
  /** Raw 32-byte X25519 public key. */
  readonly publicKey: Buffer;
  /** `age1…` */
  readonly recipient: string;
};

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');
const CHUNK = 64 * 1024;
const TAG = 16;

function polymod(values: readonly number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i] ?? 0;
  }
  return chk;
}

function hrpExpand(hrp: string): number[] {
  const codes = [...hrp].map((c) => c.charCodeAt(0));
  return [...codes.map((c) => c >>> 5), 0, ...codes.map((c) => c & 31)];
}

function convertBits(data: readonly number[], from: number, to: number, pad: boolean): number[] {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const max = (1 << to) - 1;
  for (const v of data) {
    acc = (acc << from) | v;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >>> bits) & max);
    }
  }
  if (pad && bits > 0) out.push((acc << (to - bits)) & max);
  return out;
}

/** Bech32 (BIP 173) without the 90-character limit, as age uses it. */
export function decodeBech32(text: string): { hrp: string; data: Buffer } | undefined {
  const lower = text.toLowerCase();
  if (text !== lower && text !== text.toUpperCase()) return undefined;
  const sep = lower.lastIndexOf('1');
  if (sep < 1 || sep + 7 > lower.length) return undefined;
  const hrp = lower.slice(0, sep);
  const values = [...lower.slice(sep + 1)].map((c) => BECH32.indexOf(c));
  if (values.some((v) => v < 0)) return undefined;
  if (polymod([...hrpExpand(hrp), ...values]) !== 1) return undefined;
  return { hrp, data: Buffer.from(convertBits(values.slice(0, -6), 5, 8, false)) };
}

export function encodeBech32(hrp: string, data: Uint8Array): string {
  const values = convertBits([...data], 8, 5, true);
  const mod = polymod([...hrpExpand(hrp), ...values, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum = Array.from({ length: 6 }, (_, i) => (mod >>> (5 * (5 - i))) & 31);
  return `${hrp}1${[...values, ...checksum].map((v) => BECH32[v]).join('')}`;
}

/** An `AGE-SECRET-KEY-1…` identity; undefined when it is not one. */
export function parseAgeIdentity(text: string): AgeIdentity | undefined {
  const decoded = decodeBech32(text.trim());
  if (decoded?.hrp !== 'age-secret-key-' || decoded.data.length !== 32) return undefined;
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_X25519, decoded.data]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = Buffer.from(spki.subarray(spki.length - 32));
  return { privateKey, publicKey, recipient: encodeBech32('age', publicKey) };
}

const unb64 = (s: string): Buffer => Buffer.from(s, 'base64');

function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, 32));
}

function openChaCha(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Buffer | undefined {
  if (sealed.length < TAG) return undefined;
  try {
    const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
    d.setAuthTag(sealed.subarray(sealed.length - TAG));
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG)), d.final()]);
  } catch {
    return undefined;
  }
}

/** Removes the ASCII armor (`-----BEGIN AGE ENCRYPTED FILE-----`), if any. */
export function dearmorAge(text: string): Buffer {
  const m = /-----BEGIN AGE ENCRYPTED FILE-----([\s\S]*?)-----END AGE ENCRYPTED FILE-----/.exec(
    text,
  );
  return m ? unb64((m[1] ?? '').replace(/\s+/g, '')) : Buffer.from(text, 'binary');
}

type Header = {
  stanzas: { type: string; args: string[]; body: Buffer }[];
  mac: Buffer;
  /** Bytes the header MAC covers: up to and including `---`. */
  macked: number;
  end: number;
};

function parseHeader(file: Buffer): Header | undefined {
  const macAt = file.indexOf('\n--- ');
  if (macAt < 0) return undefined;
  const lineEnd = file.indexOf('\n', macAt + 5);
  if (lineEnd < 0) return undefined;
  const lines = file.subarray(0, macAt).toString('latin1').split('\n');
  if (lines.shift() !== 'age-encryption.org/v1') return undefined;
  const stanzas: Header['stanzas'] = [];
  for (const line of lines) {
    if (line.startsWith('-> ')) {
      const [type = '', ...args] = line.slice(3).split(' ');
      stanzas.push({ type, args, body: Buffer.alloc(0) });
    } else {
      const last = stanzas.at(-1);
      if (!last) return undefined;
      last.body = Buffer.concat([last.body, unb64(line)]);
    }
  }
  const mac = unb64(file.subarray(macAt + 5, lineEnd).toString('latin1'));
  return { stanzas, mac, macked: macAt + 4, end: lineEnd + 1 };
}

function unwrapFileKey(header: Header, identities: readonly AgeIdentity[]): Buffer | undefined {
  for (const s of header.stanzas) {
    if (s.type !== 'X25519' || s.args.length !== 1) continue;
    const share = unb64(s.args[0] ?? '');
    if (share.length !== 32) continue;
    const publicKey = createPublicKey({
      key: Buffer.concat([SPKI_X25519, share]),
      format: 'der',
      type: 'spki',
    });
    for (const id of identities) {
      const shared = diffieHellman({ privateKey: id.privateKey, publicKey });
      const wrapKey = hkdf(
        shared,
        Buffer.concat([share, id.publicKey]),
        'age-encryption.org/v1/X25519',
      );
      const fileKey = openChaCha(wrapKey, Buffer.alloc(12), s.body);
      if (fileKey?.length === 16) return fileKey;
    }
  }
  return undefined;
}

function openPayload(fileKey: Buffer, payload: Buffer): Buffer | undefined {
  if (payload.length < 16 + TAG) return undefined;
  const key = hkdf(fileKey, payload.subarray(0, 16), 'payload');
  const out: Buffer[] = [];
  const body = payload.subarray(16);
  for (let offset = 0, counter = 0; offset < body.length; counter++) {
    const end = Math.min(offset + CHUNK + TAG, body.length);
    const nonce = Buffer.alloc(12);
    nonce.writeUIntBE(counter, 5, 6);
    if (end === body.length) nonce[11] = 1;
    const chunk = openChaCha(key, nonce, body.subarray(offset, end));
    if (!chunk) return undefined;
    out.push(chunk);
    offset = end;
  }
  return Buffer.concat(out);
}

/**
 * Decrypts an age file (armored or binary) with the first identity that opens one of its X25519
 * stanzas; undefined when none does or the file is not intact (header MAC, payload tags).
 */
export function decryptAge(file: Buffer, identities: readonly AgeIdentity[]): Buffer | undefined {
  const header = parseHeader(file);
  if (!header) return undefined;
  const fileKey = unwrapFileKey(header, identities);
  if (!fileKey) return undefined;
  const macKey = hkdf(fileKey, Buffer.alloc(0), 'header');
  const expected = createHmac('sha256', macKey).update(file.subarray(0, header.macked)).digest();
  if (expected.length !== header.mac.length || !timingSafeEqual(expected, header.mac))
    return undefined;
  return openPayload(fileKey, file.subarray(header.end));
}
