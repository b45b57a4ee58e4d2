// Kubernetes Events about Moor's resources: selection and ordering (shared by `events` and `status`).
import { API_GROUP } from '../core/index.ts';
import type { KubeObject } from '../core/index.ts';
import type { KubeClient } from '../kube/index.ts';
import { unwrapKube } from './context.ts';
import { recordAt, stringAt } from './objects.ts';

export type EventFilter = {
  /** Only events about this kind (e.g. `Sync`) … */
  readonly kind?: string | undefined;
  /** … and this name. */
  readonly name?: string | undefined;
  /** `Normal` or `Warning`. */
  readonly type?: string | undefined;
};

/** When the event last happened: lastTimestamp, eventTime, firstTimestamp or creation. */
export function eventTimeOf(ev: KubeObject): string {
  return (
    stringAt(ev, 'lastTimestamp') ??
    stringAt(ev, 'eventTime') ??
    stringAt(ev, 'series', 'lastObservedTime') ??
    stringAt(ev, 'firstTimestamp') ??
    ev.metadata.creationTimestamp ??
    ''
  );
}

export function isMoorEvent(ev: KubeObject): boolean {
  const apiVersion = stringAt(ev, 'involvedObject', 'apiVersion') ?? '';
  return apiVersion.startsWith(`${API_GROUP}/`);
}

function matches(ev: KubeObject, filter: EventFilter): boolean {
  const about = recordAt(ev, 'involvedObject');
  if (filter.kind !== undefined && about.kind !== filter.kind) return false;
  if (filter.name !== undefined && about.name !== filter.name) return false;
  if (
    filter.type !== undefined &&
    stringAt(ev, 'type')?.toLowerCase() !== filter.type.toLowerCase()
  ) {
    return false;
  }
  return true;
}

/** Moor's events matching `filter`, oldest first. */
export function selectEvents(events: readonly KubeObject[], filter: EventFilter): KubeObject[] {
  const picked = events.filter((ev) => isMoorEvent(ev) && matches(ev, filter));
  const at = (ev: KubeObject) => Date.parse(eventTimeOf(ev)) || 0;
  return picked.sort((a, b) => at(a) - at(b));
}

/** The newest `limit` events (0: all) that happened at or after `since`; oldest first still. */
export function recentEvents(
  events: readonly KubeObject[],
  opts: { readonly since?: Date | undefined; readonly limit: number },
): KubeObject[] {
  const from = opts.since?.getTime();
  const recent =
    from === undefined ? [...events] : events.filter((ev) => Date.parse(eventTimeOf(ev)) >= from);
  return opts.limit > 0 ? recent.slice(-opts.limit) : recent;
}

/** Lists core/v1 Events (in `namespace`, or everywhere) and keeps Moor's that match `filter`. */
export async function listMoorEvents(
  kube: KubeClient,
  namespace: string | undefined,
  filter: EventFilter,
  signal: AbortSignal,
): Promise<KubeObject[]> {
  return (await listMoorEventsAt(kube, namespace, filter, signal)).events;
}

/** As listMoorEvents, with the resource version to watch from. */
export async function listMoorEventsAt(
  kube: KubeClient,
  namespace: string | undefined,
  filter: EventFilter,
  signal: AbortSignal,
): Promise<{ readonly events: KubeObject[]; readonly resourceVersion: string }> {
  const listed = unwrapKube(
    await kube.list('v1', 'Event', namespace === undefined ? {} : { namespace }, signal),
  );
  return { events: selectEvents(listed.items, filter), resourceVersion: listed.resourceVersion };
}

/**
 * Calls `onEvent` for every Moor event matching `filter` that happens after `resourceVersion`
 * (new, or repeated: a count going up), until `signal` aborts. Re-watches when the server ends a
 * watch; lists again (printing nothing) when the version has expired.
 */
export async function watchMoorEvents(
  kube: KubeClient,
  at: { readonly namespace: string | undefined; readonly resourceVersion: string },
  filter: EventFilter,
  onEvent: (ev: KubeObject) => void,
  signal: AbortSignal,
): Promise<void> {
  let resourceVersion = at.resourceVersion;
  const scope = at.namespace === undefined ? {} : { namespace: at.namespace };
  while (!signal.aborted) {
    const watched = await kube.watch(
      'v1',
      'Event',
      { ...scope, resourceVersion },
      (e) => {
        if (e.object.metadata.resourceVersion) resourceVersion = e.object.metadata.resourceVersion;
        if (e.type !== 'ADDED' && e.type !== 'MODIFIED') return;
        if (selectEvents([e.object], filter).length) onEvent(e.object);
      },
      signal,
    );
    if (signal.aborted) return;
    if (!watched.ok && watched.error.code !== 'Expired') unwrapKube(watched);
    if (!watched.ok)
      resourceVersion = (await listMoorEventsAt(kube, at.namespace, filter, signal))
        .resourceVersion;
  }
}

/** `Sync/web` as events name the object they are about. */
export function eventObjectOf(ev: KubeObject): string {
  const about = recordAt(ev, 'involvedObject');
  return `${typeof about.kind === 'string' ? about.kind : '?'}/${typeof about.name === 'string' ? about.name : '?'}`;
}
