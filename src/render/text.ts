import { isUtf8 } from 'node:buffer';
import type { Result } from '../core/index.ts';
import { err, ok } from '../core/index.ts';
import { RenderError, RenderErrorCode } from './errors.ts';

/**
 * A manifest file's bytes as text, unless they are not UTF-8 text: a NUL byte (binary files,
 * UTF-16) or bytes that are not UTF-8 are an error naming the first such byte's line and column
 * (columns count bytes).
 */
export function decodeManifest(path: string, bytes: Uint8Array): Result<string, RenderError> {
  const nul = bytes.indexOf(0);
  const invalid = isUtf8(bytes) ? -1 : findInvalidUtf8(bytes);
  // The first of the two is named; a NUL is valid UTF-8, so a sequence it cuts short comes first.
  const bad = invalid >= 0 && (nul < 0 || invalid < nul) ? invalid : nul;
  if (bad < 0) return ok(Buffer.from(bytes).toString('utf8'));
  const { line, col } = positionOf(bytes, bad);
  const byte = bytes[bad] ?? 0;
  const what =
    bad === nul ? 'a NUL byte' : `byte 0x${byte.toString(16).padStart(2, '0')} is not UTF-8`;
  return err(
    new RenderError(RenderErrorCode.notText, `${path}:${line}:${col}: not a text file: ${what}`, {
      file: path,
      line,
      column: col,
    }),
  );
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function findInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return -1;
}

/** Lead bytes of multi-byte UTF-8 sequences: length, and the range of the second byte (RFC 3629). */
const LEADS: readonly { from: number; to: number; length: number; low: number; high: number }[] = [
  { from: 0xc2, to: 0xdf, length: 2, low: 0x80, high: 0xbf },
  { from: 0xe0, to: 0xe0, length: 3, low: 0xa0, high: 0xbf },
  { from: 0xe1, to: 0xec, length: 3, low: 0x80, high: 0xbf },
  { from: 0xed, to: 0xed, length: 3, low: 0x80, high: 0x9f },
  { from: 0xee, to: 0xef, length: 3, low: 0x80, high: 0xbf },
  { from: 0xf0, to: 0xf0, length: 4, low: 0x90, high: 0xbf },
  { from: 0xf1, to: 0xf3, length: 4, low: 0x80, high: 0xbf },
  { from: 0xf4, to: 0xf4, length: 4, low: 0x80, high: 0x8f },
];

/** Length of the valid UTF-8 sequence at `i`, 0 when there is none. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] ?? 0;
  if (b0 < 0x80) return 1;
  const lead = LEADS.find((l) => b0 >= l.from && b0 <= l.to);
  if (!lead) return 0;
  const b1 = bytes[i + 1] ?? 0;
  if (b1 < lead.low || b1 > lead.high) return 0;
  for (let k = 2; k < lead.length; k++) {
    const b = bytes[i + k] ?? 0;
    if (b < 0x80 || b > 0xbf) return 0;
  }
  return lead.length;
}

/** 1-based line and byte column of `offset`. */
function positionOf(bytes: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: offset - start + 1 };
}
