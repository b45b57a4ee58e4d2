/**
 * Who is asking and what they may see (ADR 0027): a bearer token checked with the API server's
 * TokenReview, each read or write authorised with a SubjectAccessReview. Answers are kept for a
 * short while so a page load costs a handful of reviews, not one per row.
 */
import { createHash } from 'node:crypto';
import type { AccessQuestion, DashboardReviews, Identity } from './types.ts';

/** How long a review's answer is reused. */
export const REVIEW_TTL_MS = 30_000;
const MAX_CACHED = 10_000;

/** The identity of `--ui-insecure-local`: read-only, nothing checked, loopback only. */
export const LOCAL_IDENTITY: Identity = { user: 'local (insecure)', groups: [] };

export type Access = {
  /** The identity a request's Authorization header proves; undefined: refuse (401). */
  authenticate(header: string | undefined, signal: AbortSignal): Promise<Identity | undefined>;
  allowed(who: Identity, question: AccessQuestion, signal: AbortSignal): Promise<boolean>;
  readonly insecureLocal: boolean;
  /** How long an answer is reused: an open stream asks again this often. */
  readonly ttlMs: number;
};

type Cached<T> = { readonly value: T; readonly until: number };

function boundedCache<T>(now: () => number, ttlMs: number) {
  const entries = new Map<string, Cached<T>>();
  return {
    get(key: string): T | undefined {
      const hit = entries.get(key);
      if (hit === undefined) return undefined;
      if (hit.until > now()) return hit.value;
      entries.delete(key);
      return undefined;
    },
    set(key: string, value: T): void {
      if (entries.size >= MAX_CACHED) entries.delete(entries.keys().next().value ?? '');
      entries.set(key, { value, until: now() + ttlMs });
    },
  };
}

function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

export function createAccess(opts: {
  readonly reviews: DashboardReviews;
  readonly insecureLocal: boolean;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  /** How long an answer is reused; default REVIEW_TTL_MS. */
  readonly ttlMs?: number;
}): Access {
  const { reviews, insecureLocal } = opts;
  const ttl = opts.ttlMs ?? REVIEW_TTL_MS;
  const tokens = boundedCache<{ identity: Identity | undefined }>(opts.now, ttl);
  const answers = boundedCache<boolean>(opts.now, ttl);
  return {
    insecureLocal,
    ttlMs: ttl,
    async authenticate(header, signal) {
      if (insecureLocal) return LOCAL_IDENTITY;
      const token = bearerOf(header);
      if (token === undefined) return undefined;
      // The token itself is never kept: only its digest, as the key of the answer.
      const key = createHash('sha256').update(token).digest('hex');
      const known = tokens.get(key);
      if (known !== undefined) return known.identity;
      const reviewed = await reviews.reviewToken(token, signal);
      if (!reviewed.ok) throw reviewed.error;
      tokens.set(key, { identity: reviewed.value });
      return reviewed.value;
    },
    async allowed(who, question, signal) {
      if (insecureLocal) return question.verb !== 'patch';
      const key = JSON.stringify([who.user, who.groups, question]);
      const known = answers.get(key);
      if (known !== undefined) return known;
      const reviewed = await reviews.reviewAccess(who, question, signal);
      if (!reviewed.ok) throw reviewed.error;
      answers.set(key, reviewed.value);
      return reviewed.value;
    },
  };
}

/** Whether `host` (from a listen address) is a loopback address, as `--ui-insecure-local` needs. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}
