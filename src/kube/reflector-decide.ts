/**
 * The reflector's decisions, pure: what a watch event does to the store, what follows the end of a
 * list or a watch (list again, watch again, and how many failures in a row), how long to pause,
 * and when a silent watch counts as stalled. reflector.ts carries them out.
 */
import { backoffDelay, type KubeObject, nameKeyOf } from '../core/index.ts';
import type { KubeErrorCode } from './errors.ts';
import type { WatchEvent } from './types.ts';

export type ChangeType = 'added' | 'modified' | 'deleted';

/** How one watch ended. */
export type WatchEnd =
  /** The server closed it cleanly after `ms`. */
  | { readonly kind: 'closed'; readonly ms: number }
  /** 410: the version it started from is gone; only a new list helps. */
  | { readonly kind: 'expired' }
  /** Nothing (not even a bookmark) arrived for the no-progress timeout; the watch was cut. */
  | { readonly kind: 'stalled' }
  /** Any other error (unreachable, forbidden, unknown kind …). */
  | { readonly kind: 'failed' };

/** What the reflector does next, and its count of failures in a row (for the backoff). */
export type NextStep = { readonly step: 'list' | 'watch'; readonly failures: number };

export type Backoff = { readonly initialMs: number; readonly maxMs: number };

/** Delays between failed attempts: the first retry at once, then 500 ms doubling up to 30 s. */
export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000 };

/** A watch the server ends sooner than this counts as a failure, so a closing loop backs off. */
export const QUICK_CLOSE_MS = 1_000;

/**
 * How often the API server sends a bookmark on an idle watch that asked for them (its watch
 * cache's heartbeat, one minute; the last one 2 s before the watch's own timeout).
 */
export const BOOKMARK_INTERVAL_MS = 60_000;

/** Silence allowed beyond the longest a healthy watch goes quiet before it counts as stalled. */
export const NO_PROGRESS_SLACK_MS = 30_000;

/**
 * The default no-progress timeout: a healthy watch hears something (an event, a bookmark, or its
 * clean close) at least every bookmark interval or watch timeout, whichever is shorter; 30 s more
 * allows for a slow server. 90 s with the 240 s watch timeout.
 */
export function defaultNoProgressMs(watchTimeoutSeconds: number): number {
  return Math.min(BOOKMARK_INTERVAL_MS, watchTimeoutSeconds * 1000) + NO_PROGRESS_SLACK_MS;
}

/** Classifies a finished watch; `stalled` wins, since cutting it made the watch end cleanly. */
export function classifyWatchEnd(
  result: { readonly ok: true } | { readonly ok: false; readonly code: KubeErrorCode },
  stalled: boolean,
  ms: number,
): WatchEnd {
  if (stalled) return { kind: 'stalled' };
  if (result.ok) return { kind: 'closed', ms };
  return result.code === 'Expired' ? { kind: 'expired' } : { kind: 'failed' };
}

/**
 * After a watch: a clean close watches again from the last version seen (a quick one counts as
 * a failure); 410 and a stall list again; other errors watch again from the last version (if it
 * is too old by then, the server says 410).
 */
export function nextAfterWatch(end: WatchEnd, failures: number): NextStep {
  switch (end.kind) {
    case 'closed':
      return { step: 'watch', failures: end.ms < QUICK_CLOSE_MS ? failures + 1 : 0 };
    case 'expired':
    case 'stalled':
      return { step: 'list', failures: failures + 1 };
    case 'failed':
      return { step: 'watch', failures: failures + 1 };
  }
}

/** After a list: watch from its version, or list again; failures reset only on a long watch. */
export function nextAfterList(listed: boolean, failures: number): NextStep {
  return listed ? { step: 'watch', failures } : { step: 'list', failures: failures + 1 };
}

/** The pause before the next attempt: none up to one failure, then the backoff. */
export function pauseMs(failures: number, backoff: Backoff): number {
  return failures <= 1 ? 0 : backoffDelay(failures - 1, backoff.initialMs, backoff.maxMs);
}

/** How long the watchdog may still wait; 0 or less: the watch is stalled. */
export function progressLeftMs(lastProgressMs: number, noProgressMs: number, nowMs: number) {
  return lastProgressMs + noProgressMs - nowMs;
}

/** What one watch event (or listed item) does to the store. */
export type StoreStep =
  | { readonly op: 'none' }
  | {
      readonly op: 'set';
      readonly change: 'added' | 'modified';
      readonly obj: KubeObject;
      readonly old: KubeObject | undefined;
    }
  | { readonly op: 'delete'; readonly obj: KubeObject; readonly old: KubeObject | undefined };

/** An object seen in a list or an ADDED/MODIFIED event; the same version again changes nothing. */
export function decideUpsert(obj: KubeObject, cached: KubeObject | undefined): StoreStep {
  if (cached && cached.metadata.resourceVersion === obj.metadata.resourceVersion)
    return { op: 'none' };
  return { op: 'set', change: cached ? 'modified' : 'added', obj, old: cached };
}

/**
 * One watch event: a bookmark only moves the version on; DELETED removes; the rest upsert.
 * `resourceVersion` is where the next watch starts (unchanged when the event carries none).
 */
export function decideEvent(
  event: WatchEvent,
  cached: KubeObject | undefined,
  lastVersion: string,
): { readonly resourceVersion: string; readonly step: StoreStep } {
  const resourceVersion = event.object.metadata.resourceVersion ?? lastVersion;
  if (event.type === 'BOOKMARK') return { resourceVersion, step: { op: 'none' } };
  if (event.type === 'DELETED')
    return { resourceVersion, step: { op: 'delete', obj: event.object, old: cached } };
  return { resourceVersion, step: decideUpsert(event.object, cached) };
}

/** The cached objects a fresh list no longer holds: deleted while no watch was open. */
export function goneAfterList(
  cached: Iterable<KubeObject>,
  items: readonly KubeObject[],
): KubeObject[] {
  const seen = new Set(items.map(nameKeyOf));
  return [...cached].filter((obj) => !seen.has(nameKeyOf(obj)));
}
