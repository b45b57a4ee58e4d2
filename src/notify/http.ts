// Sends one built request with a timeout and judges the answer: which failures are worth a retry.
import { err, ok, type Result } from '../core/index.ts';
import { maskSecrets } from '../git/index.ts';
import { NotifyErrorCodes, notifyError, type NotifyError } from './errors.ts';
import { AddressPolicyError } from './address.ts';
import type { HttpRequest } from './request.ts';

export type FetchFn = typeof fetch;

export type HttpAnswer = {
  readonly status: number;
  /** The start of the response body, for messages. */
  readonly snippet: string;
  readonly retryAfterMs?: number;
};

const SNIPPET_BYTES = 2048;
const SNIPPET_CHARS = 300;

/** `scheme://host` only: addresses such as Slack webhook URLs carry secrets in their path. */
export function originOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '<invalid URL>';
  }
}

async function readSnippet(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < SNIPPET_BYTES) {
      const { done, value } = (await reader.read()) as { done: boolean; value?: Uint8Array };
      if (done || !value) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim();
  return text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS)}…` : text;
}

function retryAfterOf(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number.parseInt(value, 10) * 1000;
}

/** The policy's refusal somewhere in the error's cause chain (a lookup that found a denied address). */
function policyRefusalOf(error: unknown): AddressPolicyError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof AddressPolicyError) return current;
    current = current.cause;
  }
  return undefined;
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

export type SendOptions = {
  readonly providerId: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
};

/** Sends `request`; a network error, timeout or abort becomes a NotifyError, any answer an HttpAnswer. */
export async function sendRequest(
  fetchFn: FetchFn,
  request: HttpRequest,
  options: SendOptions,
): Promise<Result<HttpAnswer, NotifyError>> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const where = originOf(request.url);
  const provider = options.providerId;
  try {
    const response = await fetchFn(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.any([options.signal, timeout]),
    });
    const snippet = await readSnippet(response);
    const retryAfterMs = retryAfterOf(response);
    return ok({
      status: response.status,
      snippet,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  } catch (error) {
    if (options.signal.aborted) {
      const data = { provider, retryable: false };
      return err(notifyError(NotifyErrorCodes.Aborted, data, 'delivery aborted', error));
    }
    if (timeout.aborted) {
      const data = { provider, retryable: true };
      const detail = `no answer from ${where} within ${options.timeoutMs}ms (spec.timeout)`;
      return err(notifyError(NotifyErrorCodes.Timeout, data, detail, error));
    }
    const refusal = policyRefusalOf(error);
    if (refusal) {
      const data = { provider, retryable: false };
      return err(notifyError(NotifyErrorCodes.AddressRefused, data, refusal.message, error));
    }
    const data = { provider, retryable: true };
    const cause = causeOf(error).split(request.url).join(where);
    const detail = `request to ${where} failed: ${cause}`;
    return err(notifyError(NotifyErrorCodes.Network, data, detail, error));
  }
}

/** GitLab answers 400 when a status is set to the state it already has: that is success. */
function isAlreadySet(answer: HttpAnswer): boolean {
  return answer.status === 400 && /cannot transition status/i.test(answer.snippet);
}

/**
 * 2xx is success. 5xx, 408 and 429 are worth a retry, other statuses are not. The body snippet
 * goes in the message with every secret value masked.
 */
export function judgeAnswer(
  answer: HttpAnswer,
  context: { providerId: string; url: string; secrets: readonly string[] },
): Result<void, NotifyError> {
  if ((answer.status >= 200 && answer.status < 300) || isAlreadySet(answer)) return ok(undefined);
  const retryable = answer.status >= 500 || answer.status === 408 || answer.status === 429;
  const snippet = maskSecrets(answer.snippet, context.secrets);
  const detail = `${originOf(context.url)} answered ${answer.status}${snippet ? `: ${snippet}` : ''}`;
  return err(
    notifyError(
      NotifyErrorCodes.HttpStatus,
      {
        provider: context.providerId,
        retryable,
        status: answer.status,
        ...(answer.retryAfterMs === undefined ? {} : { retryAfterMs: answer.retryAfterMs }),
      },
      detail,
    ),
  );
}
