/**
 * The history ring on the wire: JSON, gzipped, in one ConfigMap's binaryData (ADR 0019). The
 * encoded ring stays under ENCODED_LIMIT: should a thousand records not fit (a Sync whose every
 * apply changes thousands of objects), the oldest go until it does.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { withoutOldest, type HistoryRecord, type HistoryRing } from './record.ts';

/** Well under a ConfigMap's 1 MiB (etcd's request limit is 1.5 MiB), base64 included. */
export const ENCODED_LIMIT = 700 * 1024;
const VERSION = 1;

export class HistoryFormatError extends Error {
  override readonly name = 'HistoryFormatError';
}

export function encodeRing(ring: HistoryRing, limit = ENCODED_LIMIT): Buffer {
  return encodeRingCounted(ring, limit).bytes;
}

/** The encoded ring and how many records it kept (the oldest may have gone to fit). */
export function encodeRingCounted(
  ring: HistoryRing,
  limit = ENCODED_LIMIT,
): { readonly bytes: Buffer; readonly records: number } {
  let current = ring;
  for (;;) {
    const bytes = gzipSync(JSON.stringify({ v: VERSION, records: current.records }), {
      level: 9,
    });
    if (bytes.length <= limit || current.records.length <= 1)
      return { bytes, records: current.records.length };
    current = withoutOldest(current);
  }
}

const isRecord = (r: unknown): r is HistoryRecord => {
  if (typeof r !== 'object' || r === null) return false;
  const o = r as Record<string, unknown>;
  return typeof o.revision === 'string' && typeof o.startedAt === 'string';
};

/** Decodes a ring; throws HistoryFormatError (naming `subject`) on anything else. */
export function decodeRing(bytes: Buffer, subject: string): HistoryRing {
  let parsed: unknown;
  try {
    parsed = JSON.parse(gunzipSync(bytes).toString('utf8'));
  } catch (error) {
    throw new HistoryFormatError(`${subject}: not a gzipped history: ${(error as Error).message}`);
  }
  const o = parsed as { v?: unknown; records?: unknown };
  if (o.v !== VERSION || !Array.isArray(o.records) || !o.records.every(isRecord)) {
    throw new HistoryFormatError(`${subject}: not a history of format ${VERSION}`);
  }
  return { records: o.records };
}
