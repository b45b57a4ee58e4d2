import { MoorError } from '../core/index.ts';

export const KubeErrorCodes = [
  'NotFound',
  'Conflict',
  'Invalid',
  'Forbidden',
  'Unauthorized',
  'UnknownKind',
  'Expired',
  'Timeout',
  'Unavailable',
  'Aborted',
  /** A write refused before it was sent: this process does not lead (see `gateWrites`). */
  'NotLeader',
  'Failed',
] as const;
export type KubeErrorCode = (typeof KubeErrorCodes)[number];

/** One field error of a `Status` (`details.causes[]`), e.g. `{ field: 'spec.selector', reason: 'FieldValueInvalid' }`. */
export type StatusCause = {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
};

export type KubeErrorData = {
  /** What was attempted: `apply`, `get`, `list`, `watch`, `delete`, `patch`, `create`, `discovery`. */
  readonly verb: string;
  /** The object or collection: `Deployment.apps/prod/web`, `ConfigMap (all namespaces)`. */
  readonly subject: string;
  /** HTTP status, when the server answered. */
  readonly status?: number;
  /** The `Status.reason` the server gave (`Invalid`, `Conflict`, `AlreadyExists`, `Expired` …). */
  readonly reason?: string;
  /** The server's own message, verbatim. */
  readonly serverMessage?: string;
  /** Field errors from `Status.details.causes`. */
  readonly causes?: readonly StatusCause[];
};

/** A failed call to the API server; the message names the verb, the object, and what the server said. */
export class KubeError extends MoorError<KubeErrorCode, KubeErrorData> {}

type StatusBody = {
  kind?: unknown;
  code?: unknown;
  reason?: unknown;
  message?: unknown;
  details?: { causes?: unknown };
};

function parseStatus(body: unknown): StatusBody | undefined {
  if (typeof body === 'string') {
    try {
      return parseStatus(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  return body && typeof body === 'object' ? body : undefined;
}

function readCauses(details: StatusBody['details']): StatusCause[] | undefined {
  const causes = details?.causes;
  if (!Array.isArray(causes)) return undefined;
  return causes.flatMap((c: unknown): StatusCause[] => {
    if (!c || typeof c !== 'object') return [];
    const { reason, message, field } = c as Record<string, unknown>;
    return [
      {
        ...(typeof reason === 'string' ? { reason } : {}),
        ...(typeof message === 'string' ? { message } : {}),
        ...(typeof field === 'string' ? { field } : {}),
      },
    ];
  });
}

// Server-side apply answers 500 when the applied object does not fit the kind's schema (a number
// where a string belongs): the manifest is wrong, and retrying will not help.
const schemaMismatch = /^failed to create typed patch object/;

const CODE_BY_STATUS: Readonly<Partial<Record<number, KubeErrorCode>>> = {
  400: 'Invalid',
  422: 'Invalid',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  408: 'Timeout',
  504: 'Timeout',
  429: 'Unavailable',
};

/**
 * The error code for an HTTP status, refined by the `Status.reason` and, for the one 500 that is
 * the caller's fault, by the server's message.
 */
export function codeForStatus(
  status: number,
  reason?: string,
  serverMessage?: string,
): KubeErrorCode {
  if (reason === 'Expired' || reason === 'Gone' || status === 410) return 'Expired';
  if (status === 500 && serverMessage && schemaMismatch.test(serverMessage)) return 'Invalid';
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'Unavailable' : 'Failed');
}

/** Builds the error for a non-2xx answer; `body` is the response text or a parsed `Status`. */
export function errorFromResponse(
  verb: string,
  subject: string,
  status: number,
  body: unknown,
): KubeError {
  const parsed = parseStatus(body);
  const reason = typeof parsed?.reason === 'string' ? parsed.reason : undefined;
  const serverMessage =
    typeof parsed?.message === 'string'
      ? parsed.message
      : typeof body === 'string' && body.trim()
        ? body.trim().slice(0, 500)
        : `HTTP ${status}`;
  const causes = readCauses(parsed?.details);
  const missing = (causes ?? []).filter((c) => c.field && !serverMessage.includes(c.field));
  const extra = missing.map((c) => `; ${c.field ?? ''}: ${c.message ?? c.reason ?? ''}`).join('');
  return new KubeError(
    codeForStatus(status, reason, serverMessage),
    `${verb} ${subject}: ${serverMessage}${extra}`,
    {
      verb,
      subject,
      status,
      serverMessage,
      ...(reason ? { reason } : {}),
      ...(causes ? { causes } : {}),
    },
  );
}

/** Builds the error for a watch `ERROR` event, whose object is a `Status`. */
export function errorFromWatchStatus(verb: string, subject: string, status: unknown): KubeError {
  const parsed = parseStatus(status);
  const code = typeof parsed?.code === 'number' ? parsed.code : 500;
  return errorFromResponse(verb, subject, code, parsed ?? status);
}

const tlsCodes = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL)/;

function causeCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur && typeof cur === 'object'; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${e.message}${cause}`;
}

/**
 * Builds the error for a request that got no answer: the caller aborted, the timeout fired, or
 * the connection failed (`Unavailable`, except TLS verification failures, which are `Failed`).
 */
export function errorFromException(
  verb: string,
  subject: string,
  e: unknown,
  why: { readonly aborted: boolean; readonly timedOutMs?: number | undefined },
): KubeError {
  const data = { verb, subject };
  if (why.timedOutMs !== undefined) {
    return new KubeError(
      'Timeout',
      `${verb} ${subject}: no answer within ${why.timedOutMs}ms`,
      data,
      { cause: e },
    );
  }
  if (why.aborted)
    return new KubeError('Aborted', `${verb} ${subject}: aborted`, data, { cause: e });
  const code = causeCode(e);
  const kind: KubeErrorCode = code && tlsCodes.test(code) ? 'Failed' : 'Unavailable';
  return new KubeError(
    kind,
    `${verb} ${subject}: ${describe(e)}${code ? ` (${code})` : ''}`,
    data,
    { cause: e },
  );
}
