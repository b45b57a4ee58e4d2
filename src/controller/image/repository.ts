// The ImageRepository reconciler: list the image's tags from its registry, keep them in memory for
// the ImagePolicies, record the count and scan time in status. A 429 backs off (as the registry
// asks, else exponentially) and says so in Ready; a refused password is AuthenticationFailed. A scan
// that changes nothing writes no status (scanTime is refreshed at most every SCAN_TIME_REFRESH_MS).
import { parseDuration, parseImageRepository, type ImageRepository } from '../../api/index.ts';
import { backoffDelay, err, jitter, ok, type KubeObject, type Result } from '../../core/index.ts';
import {
  credentialsFromSecret,
  ImageErrorCodes,
  parseImageName,
  type ImageError,
  type ImageName,
  type RegistryCredentials,
} from '../../image/index.ts';
import { writeStatus } from '../status.ts';
import {
  conditionsOf,
  handledOf,
  ImageReasons,
  readyMessageOf,
  type Readiness,
} from './conditions.ts';
import { aboutOf, keyOf, type RepositoryDeps } from './deps.ts';

type Status = NonNullable<ImageRepository['status']>;
type Outcome = 'success' | 'failure' | undefined;

const stamp = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A scan that finds the tags of the last one writes no status; its scanTime is brought up to date
 * at most this often (so a status shows the scans go on without a write at every interval).
 */
export const SCAN_TIME_REFRESH_MS = 10 * 60_000;

const sameList = (a: readonly string[] | undefined, b: readonly string[]) =>
  a !== undefined && a.length === b.length && a.every((t, i) => t === b[i]);

type ScanResult = NonNullable<Status['lastScanResult']>;

/** The lastScanResult to record: the last one when nothing changed and it is recent enough. */
export function scanResultOf(
  last: ScanResult | undefined,
  tags: readonly string[],
  previous: readonly string[] | undefined,
  now: Date,
): ScanResult {
  const latestTags = tags.slice(-10).reverse();
  const same =
    last !== undefined &&
    last.tagCount === tags.length &&
    sameList(last.latestTags, latestTags) &&
    (previous === undefined || sameList(previous, tags));
  const age = last ? now.getTime() - Date.parse(last.scanTime) : Infinity;
  if (same && age >= 0 && age < SCAN_TIME_REFRESH_MS) return last;
  return { tagCount: tags.length, scanTime: stamp(now), latestTags };
}

async function credentialsOf(
  repo: ImageRepository,
  image: ImageName,
  deps: RepositoryDeps,
  signal: AbortSignal,
): Promise<Result<RegistryCredentials | undefined, string>> {
  const ref = repo.spec.secretRef;
  if (!ref) return ok(undefined);
  const namespace = repo.metadata.namespace ?? '';
  const data = await deps.readSecret(namespace, ref.name, signal);
  const subject = `Secret ${namespace}/${ref.name}`;
  if (!data) return err(`${subject} not found`);
  const credentials = credentialsFromSecret(data, image.registry, subject);
  return credentials.ok ? ok(credentials.value) : err(credentials.error.message);
}

const failureReasons: Partial<Record<ImageError['code'], string>> = {
  [ImageErrorCodes.RateLimited]: ImageReasons.RateLimited,
  [ImageErrorCodes.Unauthorized]: ImageReasons.AuthenticationFailed,
  [ImageErrorCodes.SecretInvalid]: ImageReasons.SecretInvalid,
};

async function report(
  obj: KubeObject,
  status: Status,
  readiness: Readiness,
  deps: RepositoryDeps,
  signal: AbortSignal,
): Promise<void> {
  const conditions = conditionsOf(
    status.conditions,
    readiness,
    obj.metadata.generation,
    deps.clock.now(),
  );
  const generation = obj.metadata.generation;
  const next = { ...status, ...handledOf(obj), observedGeneration: generation, conditions };
  const wrote = await writeStatus(deps.kube, obj, next, signal);
  if (wrote.error) deps.logger.warn({ err: wrote.error }, 'status not written');
}

async function reportFailure(
  ctx: { obj: KubeObject; repo: ImageRepository; status: Status; key: string },
  error: { code: string; message: string; retryAfterMs?: number | undefined },
  failures: Map<string, number>,
  deps: RepositoryDeps,
  signal: AbortSignal,
): Promise<'failure'> {
  const n = (failures.get(ctx.key) ?? 0) + 1;
  failures.set(ctx.key, n);
  const intervalMs = parseDuration(ctx.repo.spec.interval);
  const limited = error.code === ImageErrorCodes.RateLimited;
  const delay = limited
    ? Math.max(error.retryAfterMs ?? 0, backoffDelay(n, 2000, 10 * 60_000))
    : Math.min(backoffDelay(n, 1000, intervalMs), intervalMs);
  const reason = failureReasons[error.code as ImageError['code']] ?? ImageReasons.ScanFailed;
  const message = limited
    ? `${error.message}; backing off, next scan in ${Math.ceil(delay / 1000)}s`
    : error.message;
  const repeated = readyMessageOf(ctx.status.conditions) === message;
  await report(ctx.obj, ctx.status, { ready: false, reason, message }, deps, signal);
  if (!repeated) {
    deps.events.record(aboutOf(ctx.obj), 'Warning', reason, message);
    const { namespace = '', name } = ctx.repo.metadata;
    const kind = 'ImageRepository' as const;
    deps.announce?.({ event: 'ImageScanFailed', kind, namespace, name, message });
  }
  deps.requeue(ctx.key, delay);
  return 'failure';
}

async function reportInvalid(
  obj: KubeObject,
  status: Status,
  message: string,
  deps: RepositoryDeps,
  signal: AbortSignal,
): Promise<'failure'> {
  const readiness = { ready: false, reason: ImageReasons.InvalidSpec, message, stalled: true };
  await report(obj, status, readiness, deps, signal);
  return 'failure';
}

function excluded(patterns: readonly string[]): (tag: string) => boolean {
  const regexes = patterns.map((p) => new RegExp(p, 'u'));
  return (tag) => regexes.some((r) => r.test(tag));
}

export async function reconcileImageRepository(
  obj: KubeObject,
  failures: Map<string, number>,
  deps: RepositoryDeps,
  signal: AbortSignal,
): Promise<Outcome> {
  const parsed = parseImageRepository(obj);
  const status = (obj.status ?? {}) as Status;
  if (!parsed.ok) return reportInvalid(obj, status, parsed.error.message, deps, signal);
  const repo = parsed.value;
  if (repo.spec.suspend) return undefined;
  const namespace = repo.metadata.namespace ?? '';
  const key = keyOf(namespace, repo.metadata.name);
  const ctx = { obj, repo, status, key };
  const image = parseImageName(repo.spec.image);
  if (!image.ok)
    return reportFailure(
      ctx,
      { code: 'InvalidSpec', message: image.error },
      failures,
      deps,
      signal,
    );
  const credentials = await credentialsOf(repo, image.value, deps, signal);
  if (!credentials.ok)
    return reportFailure(
      ctx,
      { code: ImageErrorCodes.SecretInvalid, message: credentials.error },
      failures,
      deps,
      signal,
    );
  const timeout = AbortSignal.timeout(parseDuration(repo.spec.timeout));
  const now = () => deps.clock.now();
  const scanOptions = {
    insecure: repo.spec.insecure,
    credentials: credentials.value,
    signal: AbortSignal.any([signal, timeout]),
    now,
  };
  const listed = await deps.registry.listTags(image.value, scanOptions);
  if (signal.aborted) return undefined;
  if (!listed.ok) {
    const { code, message, data } = listed.error;
    const failure = { code, message, retryAfterMs: data.retryAfterMs };
    return reportFailure(ctx, failure, failures, deps, signal);
  }
  failures.delete(key);
  const isExcluded = excluded(repo.spec.exclusionList);
  const tags = listed.value.filter((t) => !isExcluded(t)).sort();
  const previous = deps.tags.get(key)?.tags;
  deps.tags.set(key, {
    image: image.value,
    tags,
    insecure: repo.spec.insecure,
    credentials: credentials.value,
  });
  deps.onScanned(namespace, repo.metadata.name);
  const scanned: Status = {
    ...status,
    canonicalImageName: `${image.value.registry}/${image.value.path}`,
    lastScanResult: scanResultOf(status.lastScanResult, tags, previous, deps.clock.now()),
  };
  const message = `found ${tags.length} tags`;
  await report(
    obj,
    scanned,
    { ready: true, reason: ImageReasons.Succeeded, message },
    deps,
    signal,
  );
  deps.requeue(key, jitter(parseDuration(repo.spec.interval), deps.random));
  return 'success';
}
