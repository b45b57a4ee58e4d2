// Incoming push webhooks (DESIGN.md "Receiver"): where a receiver listens, and whether a
// delivery was signed with its token. Pure: no I/O.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { err, ok, type Result } from '../core/index.ts';
import { ReceiverError, ReceiverErrorCodes } from './errors.ts';

export const WEBHOOK_PATH_PREFIX = '/hook/';

/** Headers as fetch's `Headers` or a plain record (any case). */
export type DeliveryHeaders =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * A verified delivery: the Git host's event name, whether it should trigger a fetch, and what
 * tells a replay apart (the host's delivery id; for generic, the signed timestamp).
 */
export type Delivery = {
  readonly event: string;
  readonly trigger: boolean;
  readonly id?: string | undefined;
  /** Unix milliseconds of a signed `X-Moor-Timestamp`. */
  readonly timestampMs?: number | undefined;
};

/** Generic deliveries may carry this (unix seconds); the signature then covers `<it>.<body>`. */
export const GENERIC_TIMESTAMP_HEADER = 'X-Moor-Timestamp';

/** Longest delivery id remembered (the hosts send UUIDs). */
const MAX_ID_LENGTH = 128;

/**
 * The path a receiver listens on: `/hook/` + hex SHA-256 of `token + name + namespace`, as Flux
 * does, so that nobody can find it without the token.
 */
export function webhookPathFor(
  receiver: { readonly namespace: string; readonly name: string },
  token: string,
): string {
  const digest = createHash('sha256')
    .update(token + receiver.name + receiver.namespace)
    .digest('hex');
  return WEBHOOK_PATH_PREFIX + digest;
}

type Verifier = (
  headers: DeliveryHeaders,
  body: Buffer,
  token: string,
) => Result<string, ReceiverError>;

type Stamp = { readonly id?: string | undefined; readonly timestampMs?: number | undefined };

type Scheme = {
  readonly verify: Verifier;
  /** The delivery id (and timestamp) of a verified delivery. */
  readonly stamp: (headers: DeliveryHeaders) => Stamp;
  /** Events that trigger when the receiver lists none; undefined means every event. */
  readonly pushEvents: readonly string[] | undefined;
};

const schemes: Readonly<Record<string, Scheme>> = {
  github: {
    verify: (headers, body, token) => {
      const checked = checkHmac('github', headers, body, token, [
        { header: 'X-Hub-Signature-256', prefix: 'sha256=' },
      ]);
      return checked.ok ? ok(readHeader(headers, 'X-GitHub-Event') ?? '') : checked;
    },
    pushEvents: ['push'],
    stamp: (headers) => idStamp(headers, 'X-GitHub-Delivery'),
  },
  gitlab: {
    verify: (headers, _body, token) => {
      const given = readHeader(headers, 'X-Gitlab-Token');
      if (given === undefined) return err(missing('gitlab', 'X-Gitlab-Token'));
      if (!equalSecrets(given, token)) return err(mismatch('gitlab', 'X-Gitlab-Token'));
      return ok(readHeader(headers, 'X-Gitlab-Event') ?? '');
    },
    pushEvents: ['Push Hook', 'Tag Push Hook'],
    stamp: (headers) => idStamp(headers, 'X-Gitlab-Event-UUID'),
  },
  gitea: {
    verify: (headers, body, token) => {
      const checked = checkHmac('gitea', headers, body, token, [
        { header: 'X-Gitea-Signature', prefix: '' },
        { header: 'X-Hub-Signature-256', prefix: 'sha256=' },
      ]);
      return checked.ok ? ok(readHeader(headers, 'X-Gitea-Event') ?? '') : checked;
    },
    pushEvents: ['push'],
    stamp: (headers) => idStamp(headers, 'X-Gitea-Delivery'),
  },
  generic: {
    verify: (headers, body, token) => {
      const timestamp = readHeader(headers, GENERIC_TIMESTAMP_HEADER);
      if (timestamp !== undefined && !/^\d{1,12}$/.test(timestamp)) {
        return err(
          new ReceiverError(
            ReceiverErrorCodes.invalidSignature,
            `generic delivery: header ${GENERIC_TIMESTAMP_HEADER} is not unix seconds`,
            { type: 'generic', header: GENERIC_TIMESTAMP_HEADER },
          ),
        );
      }
      const signed =
        timestamp === undefined ? body : Buffer.concat([Buffer.from(`${timestamp}.`), body]);
      const checked = checkHmac('generic', headers, signed, token, [
        { header: 'X-Moor-Signature', prefix: 'sha256=' },
      ]);
      return checked.ok ? ok(readHeader(headers, 'X-Moor-Event') ?? 'generic') : checked;
    },
    pushEvents: undefined,
    stamp: (headers) => {
      const timestamp = readHeader(headers, GENERIC_TIMESTAMP_HEADER);
      if (timestamp === undefined) return {};
      // The signature covers the timestamp: together they name this one delivery.
      const signature = readHeader(headers, 'X-Moor-Signature') ?? '';
      return {
        id: `${timestamp}.${signature.toLowerCase()}`,
        timestampMs: Number(timestamp) * 1000,
      };
    },
  },
};

/**
 * Checks that a delivery was signed with the receiver's token and says whether it triggers:
 * github `X-Hub-Signature-256`, gitlab `X-Gitlab-Token`, gitea `X-Gitea-Signature` (or
 * `X-Hub-Signature-256`), generic `X-Moor-Signature: sha256=<hex HMAC-SHA256>` (of
 * `<X-Moor-Timestamp>.<body>` when that header is sent). A push (or, when
 * `events` is given, one of those) triggers; a ping and other events do not; generic always does.
 */
export function verifyDelivery(
  type: string,
  headers: DeliveryHeaders,
  rawBody: Buffer,
  token: string,
  events?: readonly string[],
): Result<Delivery, ReceiverError> {
  const scheme = Object.hasOwn(schemes, type) ? schemes[type] : undefined;
  if (scheme === undefined) {
    return err(
      new ReceiverError(
        ReceiverErrorCodes.unsupported,
        `receiver type "${type}" is not supported`,
        {
          type,
        },
      ),
    );
  }
  const verified = scheme.verify(headers, rawBody, token);
  if (!verified.ok) return verified;
  const event = verified.value;
  const wanted =
    scheme.pushEvents === undefined ? undefined : events?.length ? events : scheme.pushEvents;
  return ok({
    event,
    trigger: wanted === undefined || wanted.includes(event),
    ...scheme.stamp(headers),
  });
}

/** The host's delivery id header, if present, cut to a sane length. */
function idStamp(headers: DeliveryHeaders, name: string): Stamp {
  const value = readHeader(headers, name)?.trim();
  return value ? { id: value.slice(0, MAX_ID_LENGTH) } : {};
}

type SignatureHeader = { readonly header: string; readonly prefix: string };

/** The first of `candidates` present must carry `<prefix><hex HMAC-SHA256(body, token)>`. */
function checkHmac(
  type: string,
  headers: DeliveryHeaders,
  body: Buffer,
  token: string,
  candidates: readonly SignatureHeader[],
): Result<string, ReceiverError> {
  for (const { header, prefix } of candidates) {
    const value = readHeader(headers, header);
    if (value === undefined) continue;
    const hex = value.startsWith(prefix) ? value.slice(prefix.length) : undefined;
    if (hex === undefined || !/^[0-9a-fA-F]{64}$/.test(hex)) {
      return err(
        new ReceiverError(
          ReceiverErrorCodes.invalidSignature,
          `${type} delivery: header ${header} is not "${prefix}<hex HMAC-SHA256>"`,
          { type, header },
        ),
      );
    }
    const expected = createHmac('sha256', token).update(body).digest();
    if (!timingSafeEqual(Buffer.from(hex, 'hex'), expected)) return err(mismatch(type, header));
    return ok(header);
  }
  return err(missing(type, candidates.map((c) => c.header).join(' or ')));
}

/** Compares two secrets in time independent of where they differ (and of their lengths). */
function equalSecrets(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function missing(type: string, header: string): ReceiverError {
  return new ReceiverError(
    ReceiverErrorCodes.invalidSignature,
    `${type} delivery: header ${header} is missing`,
    { type, header },
  );
}

function mismatch(type: string, header: string): ReceiverError {
  return new ReceiverError(
    ReceiverErrorCodes.invalidSignature,
    `${type} delivery: header ${header} does not match the receiver's token`,
    { type, header },
  );
}

function readHeader(headers: DeliveryHeaders, name: string): string | undefined {
  if (isFetchHeaders(headers)) return headers.get(name) ?? undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lower || value === undefined) continue;
    return typeof value === 'string' ? value : value[0];
  }
  return undefined;
}

function isFetchHeaders(headers: DeliveryHeaders): headers is { get(name: string): string | null } {
  return typeof headers.get === 'function';
}
