// The OCI distribution API client of image scanning: lists an image's tags (`/v2/<name>/tags/list`,
// paged by the `Link` header), answers the registry's challenge (a bearer token from its realm, or
// basic auth), and reads a tag's digest. HTTP through undici, with a deadline and the caller's
// signal on every request, connecting only where the registry address policy allows.
import type { LookupFunction } from 'node:net';
import { Agent, fetch as undiciFetch, type Response } from 'undici';
import { err, ok, type Result } from '../core/index.ts';
import { nextLink, parseChallenge, retryAfterMs, type Challenge } from './challenge.ts';
import type { RegistryCredentials } from './credentials.ts';
import { ImageErrorCodes, imageError, type ImageError } from './errors.ts';
import type { ImageName } from './reference.ts';

/** Where registries may be reached: the same policy (and deny-list) Provider addresses use. */
export type RegistryAddressPolicy = {
  checkUrl(url: string): Result<URL, { readonly message: string }>;
  readonly lookup: LookupFunction;
};

export type ScanOptions = {
  /** Plain HTTP (loopback registries) instead of HTTPS. */
  readonly insecure: boolean;
  readonly credentials?: RegistryCredentials | undefined;
  /** Tags asked for per page (`?n=`); default 1000. */
  readonly pageSize?: number;
  readonly signal: AbortSignal;
  readonly now: () => Date;
};

export type RegistryClient = {
  listTags(image: ImageName, options: ScanOptions): Promise<Result<string[], ImageError>>;
  /** The digest (`sha256:…`) the registry names for `image:tag`. */
  digestOf(
    image: ImageName,
    tag: string,
    options: ScanOptions,
  ): Promise<Result<string, ImageError>>;
  close(): Promise<void>;
};

const MAX_PAGES = 1000;
const MAX_TAGS = 100_000;
const MAX_BODY = 16 << 20;
const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

type Call = {
  readonly image: ImageName;
  readonly options: ScanOptions;
  /** The Authorization found to work, reused for every later request of the scan. */
  authorization?: string;
};

export function createRegistryClient(policy: RegistryAddressPolicy): RegistryClient {
  const agent = new Agent({
    connect: { lookup: policy.lookup, timeout: 10_000 },
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const send = (
    url: string,
    call: Call,
    init: { method?: string; headers?: Record<string, string> },
  ) => sendChecked(agent, policy, url, call, init);
  return {
    async listTags(image, options) {
      const call: Call = { image, options };
      const base = `${options.insecure ? 'http' : 'https'}://${image.registry}`;
      let url: string | undefined =
        `${base}/v2/${image.path}/tags/list?n=${options.pageSize ?? 1000}`;
      const tags: string[] = [];
      for (let page = 0; url !== undefined && page < MAX_PAGES; page++) {
        const answer = await send(url, call, {});
        if (!answer.ok) return answer;
        const body = await readJson(answer.value, image.name);
        if (!body.ok) return body;
        const listed = (body.value as { tags?: unknown }).tags ?? [];
        if (!Array.isArray(listed)) return badResponse(image.name, 'tags is not a list');
        for (const tag of listed) if (typeof tag === 'string') tags.push(tag);
        if (tags.length > MAX_TAGS) return badResponse(image.name, `more than ${MAX_TAGS} tags`);
        url = nextLink(answer.value.headers.get('link'), url);
      }
      return ok(tags);
    },
    async digestOf(image, tag, options) {
      const call: Call = { image, options };
      const base = `${options.insecure ? 'http' : 'https'}://${image.registry}`;
      const url = `${base}/v2/${image.path}/manifests/${encodeURIComponent(tag)}`;
      const answer = await send(url, call, { method: 'HEAD', headers: { accept: MANIFEST_TYPES } });
      if (!answer.ok) return answer;
      const digest = answer.value.headers.get('docker-content-digest');
      if (!digest) return badResponse(`${image.name}:${tag}`, 'no Docker-Content-Digest header');
      return ok(digest);
    },
    close: () => agent.close(),
  };
}

function badResponse(subject: string, detail: string) {
  return err(imageError(ImageErrorCodes.BadResponse, { subject }, detail));
}

async function readJson(response: Response, subject: string): Promise<Result<unknown, ImageError>> {
  const size = Number(response.headers.get('content-length') ?? '0');
  if (size > MAX_BODY) {
    await response.body?.cancel();
    return badResponse(subject, `answer of ${size} bytes is larger than ${MAX_BODY}`);
  }
  const text = await response.text();
  if (text.length > MAX_BODY) return badResponse(subject, `answer larger than ${MAX_BODY} bytes`);
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return badResponse(subject, 'answer is not JSON');
  }
}

type Init = { method?: string; headers?: Record<string, string> };

/** One request, answering a 401 challenge once; non-2xx answers become typed errors. */
async function sendChecked(
  agent: Agent,
  policy: RegistryAddressPolicy,
  url: string,
  call: Call,
  init: Init,
): Promise<Result<Response, ImageError>> {
  const subject = call.image.name;
  let answer = await request(agent, policy, url, call, {
    ...init,
    authorization: call.authorization,
  });
  if (!answer.ok) return answer;
  if (answer.value.status === 401) {
    const challenge = parseChallenge(answer.value.headers.get('www-authenticate'));
    await answer.value.body?.cancel();
    const authorization = await answerChallenge(agent, policy, challenge, call);
    if (!authorization.ok) return authorization;
    call.authorization = authorization.value;
    answer = await request(agent, policy, url, call, {
      ...init,
      authorization: authorization.value,
    });
    if (!answer.ok) return answer;
  }
  return judge(answer.value, subject, call.options.now());
}

async function judge(
  response: Response,
  subject: string,
  now: Date,
): Promise<Result<Response, ImageError>> {
  const status = response.status;
  if (status >= 200 && status < 300) return ok(response);
  await response.body?.cancel();
  if (status === 429) {
    const after = retryAfterMs(response.headers.get('retry-after'), now);
    const detail = `rate limited by the registry (429)${after === undefined ? '' : `, retry after ${Math.ceil(after / 1000)}s`}`;
    return err(
      imageError(
        ImageErrorCodes.RateLimited,
        { subject, status, ...(after === undefined ? {} : { retryAfterMs: after }) },
        detail,
      ),
    );
  }
  if (status === 401 || status === 403)
    return err(
      imageError(
        ImageErrorCodes.Unauthorized,
        { subject, status },
        `the registry refused the credentials (${status})`,
      ),
    );
  if (status === 404)
    return err(
      imageError(
        ImageErrorCodes.NotFound,
        { subject, status },
        'no such repository in the registry (404)',
      ),
    );
  return err(
    imageError(ImageErrorCodes.BadResponse, { subject, status }, `the registry answered ${status}`),
  );
}

function basicOf(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** The token URL of a bearer challenge, with its service and scope. */
function tokenUrlOf(
  challenge: Extract<Challenge, { scheme: 'bearer' }>,
  call: Call,
): Result<URL, ImageError> {
  let realm: URL;
  try {
    realm = new URL(challenge.realm);
  } catch {
    return badResponse(call.image.name, 'the token realm is not a URL');
  }
  if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && call.options.insecure)) {
    const detail = `token realm ${realm.origin} is not https (set spec.insecure for loopback registries)`;
    return badResponse(call.image.name, detail);
  }
  if (challenge.service !== undefined) realm.searchParams.set('service', challenge.service);
  realm.searchParams.set('scope', challenge.scope ?? `repository:${call.image.path}:pull`);
  return ok(realm);
}

async function answerChallenge(
  agent: Agent,
  policy: RegistryAddressPolicy,
  challenge: Challenge,
  call: Call,
): Promise<Result<string, ImageError>> {
  const subject = call.image.name;
  const credentials = call.options.credentials;
  if (challenge.scheme === 'basic') {
    if (!credentials)
      return err(
        imageError(
          ImageErrorCodes.Unauthorized,
          { subject, status: 401 },
          'the registry needs credentials (spec.secretRef)',
        ),
      );
    return ok(basicOf(credentials));
  }
  if (challenge.scheme === 'unknown')
    return err(
      imageError(
        ImageErrorCodes.Unauthorized,
        { subject, status: 401 },
        'the registry asks for an unsupported authentication scheme',
      ),
    );
  const realm = tokenUrlOf(challenge, call);
  if (!realm.ok) return realm;
  const tokenCall: Call = { ...call };
  const answer = await request(agent, policy, realm.value.href, tokenCall, {
    authorization: credentials ? basicOf(credentials) : undefined,
  });
  if (!answer.ok) return answer;
  const judged = await judge(
    answer.value,
    `${subject} (token from ${realm.value.origin})`,
    call.options.now(),
  );
  if (!judged.ok) return judged;
  const body = await readJson(judged.value, subject);
  if (!body.ok) return body;
  const { token, access_token: accessToken } = body.value as {
    token?: unknown;
    access_token?: unknown;
  };
  const value = typeof token === 'string' ? token : accessToken;
  if (typeof value !== 'string' || value === '')
    return badResponse(subject, 'the token endpoint gave no token');
  return ok(`Bearer ${value}`);
}

/** One HTTP request through the guarded agent: network failures become typed errors. */
async function request(
  agent: Agent,
  policy: RegistryAddressPolicy,
  url: string,
  call: Call,
  init: Init & { authorization?: string | undefined },
): Promise<Result<Response, ImageError>> {
  const subject = call.image.name;
  const checked = policy.checkUrl(url);
  if (!checked.ok)
    return err(imageError(ImageErrorCodes.AddressDenied, { subject }, checked.error.message));
  const headers: Record<string, string> = { ...init.headers, 'user-agent': 'moor' };
  if (init.authorization) headers.authorization = init.authorization;
  try {
    const response = await undiciFetch(url, {
      method: init.method ?? 'GET',
      headers,
      redirect: 'manual',
      dispatcher: agent,
      signal: call.options.signal,
    });
    return ok(response);
  } catch (error) {
    return err(networkError(error, subject, call.options.signal));
  }
}

function networkError(error: unknown, subject: string, signal: AbortSignal): ImageError {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    const timeout = reason instanceof Error && reason.name === 'TimeoutError';
    return imageError(
      ImageErrorCodes.Timeout,
      { subject },
      timeout ? 'no answer within spec.timeout' : 'aborted',
      error,
    );
  }
  const cause: unknown = error instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (code === 'AddressDenied' || code === 'HostNotAllowed') {
    const message = cause instanceof Error ? cause.message : 'address refused';
    return imageError(ImageErrorCodes.AddressDenied, { subject }, message, error);
  }
  const message = cause instanceof Error ? cause.message : String(error);
  return imageError(
    ImageErrorCodes.Unreachable,
    { subject },
    `registry unreachable: ${message}`,
    error,
  );
}
