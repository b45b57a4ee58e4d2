// One delivery attempt of one event to one Provider: build the request (or push the tag), send it.
import { parseDuration, type Provider } from '../api/index.ts';
import { err, ok, type Result, type SecretData } from '../core/index.ts';
import type { AddressPolicy } from './address.ts';
import { NotifyErrorCodes, notifyError, type NotifyError } from './errors.ts';
import type { MoorEvent } from './events.ts';
import { pushClusterTag, type GitTagDeps } from './gittag.ts';
import { judgeAnswer, sendRequest, type FetchFn } from './http.ts';
import { buildRequest } from './payloads.ts';
import { readSecretData, secretValuesOf } from './secrets.ts';

export const DEFAULT_TIMEOUT_MS = 15_000;

export type DeliveryDeps = GitTagDeps & {
  readonly fetch: FetchFn;
  readonly clusterName: string;
  /** Checked before every HTTP delivery; the fetch connects only through its lookup. */
  readonly addressPolicy?: AddressPolicy | undefined;
};

export function providerIdOf(provider: Provider): string {
  return `Provider/${provider.metadata.namespace ?? ''}/${provider.metadata.name}`;
}

/** The Provider's `spec.cluster`, else the event's, else the operator's. */
export function clusterFor(provider: Provider, event: MoorEvent, fallback: string): string {
  return provider.spec.cluster ?? event.cluster ?? fallback;
}

export function timeoutOf(provider: Provider): number {
  try {
    return parseDuration(provider.spec.timeout);
  } catch {
    return DEFAULT_TIMEOUT_MS;
  }
}

/** Webhook and Slack need an http(s) URL; Git hosts parse theirs in `parseRepoAddress`. */
function isUsableAddress(type: string, address: string | undefined): address is string {
  if (!address) return false;
  if (type !== 'webhook' && type !== 'slack') return true;
  if (!URL.canParse(address)) return false;
  const { protocol } = new URL(address);
  return protocol === 'https:' || protocol === 'http:';
}

async function providerSecret(
  deps: DeliveryDeps,
  provider: Provider,
  signal: AbortSignal,
): Promise<Result<SecretData | undefined, NotifyError>> {
  const ref = provider.spec.secretRef;
  if (!ref) return ok(undefined);
  const place = { namespace: provider.metadata.namespace ?? '', name: ref.name };
  return readSecretData(deps.readSecret, place, providerIdOf(provider), signal);
}

/** Sends `event` to `provider` once. Nothing to send (e.g. no revision) counts as success. */
export async function deliverOnce(
  deps: DeliveryDeps,
  provider: Provider,
  event: MoorEvent,
  parentSignal: AbortSignal,
): Promise<Result<void, NotifyError>> {
  const providerId = providerIdOf(provider);
  const cluster = clusterFor(provider, event, deps.clusterName);
  const timeoutMs = timeoutOf(provider);
  if (provider.spec.type === 'gittag') {
    const signal = AbortSignal.any([parentSignal, AbortSignal.timeout(timeoutMs)]);
    const pushed = await pushClusterTag(deps, { provider, providerId, cluster }, event, signal);
    return pushed.ok ? ok(undefined) : pushed;
  }
  const secretSignal = AbortSignal.any([parentSignal, AbortSignal.timeout(timeoutMs)]);
  const secret = await providerSecret(deps, provider, secretSignal);
  if (!secret.ok) return secret;
  const address = secret.value?.address || provider.spec.address;
  if (!isUsableAddress(provider.spec.type, address)) {
    const data = { provider: providerId, retryable: false };
    const detail = address ? 'spec.address is not an http(s) URL' : 'spec.address is not set';
    return err(notifyError(NotifyErrorCodes.InvalidAddress, data, detail));
  }
  const input = { providerId, address, cluster, secret: secret.value };
  const built = buildRequest(provider.spec.type, input, event);
  if (!built.ok) return built;
  const request = built.value;
  if (!request) return ok(undefined);
  const checked = deps.addressPolicy?.checkUrl(request.url);
  if (checked && !checked.ok) {
    const data = { provider: providerId, retryable: false };
    return err(notifyError(NotifyErrorCodes.AddressRefused, data, checked.error.message));
  }
  const answer = await sendRequest(deps.fetch, request, {
    providerId,
    timeoutMs,
    signal: parentSignal,
  });
  if (!answer.ok) return answer;
  const secrets = secretValuesOf(secret.value);
  return judgeAnswer(answer.value, { providerId, url: request.url, secrets });
}
