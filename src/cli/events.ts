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

/** Lists core/v1 Events (in `namespace`, or everywhere) and keeps Moor's that match `filter`. */
export async function listMoorEvents(
  kube: KubeClient,
  namespace: string | undefined,
  filter: EventFilter,
  signal: AbortSignal,
): Promise<KubeObject[]> {
  const listed = unwrapKube(
    await kube.list('v1', 'Event', namespace === undefined ? {} : { namespace }, signal),
  );
  return selectEvents(listed.items, filter);
}

/** `Sync/web` as events name the object they are about. */
export function eventObjectOf(ev: KubeObject): string {
  const about = recordAt(ev, 'involvedObject');
  return `${typeof about.kind === 'string' ? about.kind : '?'}/${typeof about.name === 'string' ? about.name : '?'}`;
}
