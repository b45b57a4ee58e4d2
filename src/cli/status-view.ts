// The text `moor status sync NAME` prints: pure, from the Sync, its events and the time.
import { chartOf } from './chart-view.ts';
import { formatDuration } from '../api/index.ts';
import type { KubeObject } from '../core/index.ts';
import { eventTimeOf } from './events.ts';
import { arrayAt, conditionsOf, isSuspended, recordAt, stringAt } from './objects.ts';
import { formatAge, renderTable, truncate } from './output.ts';
import { renderOptionLines } from './status-render.ts';

export const HISTORY_SHOWN = 5;
export const EVENTS_SHOWN = 10;
const MESSAGE_WIDTH = 100;

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}

function str(value: unknown, fallback = '-'): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

function num(value: unknown): string {
  return typeof value === 'number' ? String(value) : '0';
}

function idOf(r: Record<string, unknown>): string {
  const ns = str(r.namespace, '');
  const name = str(r.name);
  return ns ? `${ns}/${name}` : name;
}

function renderHeader(sync: KubeObject): string {
  const sourceRef = recordAt(sync, 'spec', 'sourceRef');
  const sourceNs = str(sourceRef.namespace, sync.metadata.namespace ?? '');
  const lines: [string, string][] = [
    ['Source:', `${str(sourceRef.kind, 'GitRepository')}/${sourceNs}/${str(sourceRef.name)}`],
    ['Path:', str(stringAt(sync, 'spec', 'path'), './')],
    ...renderOptionLines(sync),
    ...(chartOf(sync) === undefined ? [] : [['Chart:', chartOf(sync) ?? ''] as [string, string]]),
    ['Suspended:', String(isSuspended(sync))],
    ['Last applied:', str(stringAt(sync, 'status', 'lastAppliedRevision'))],
    ['Last attempted:', str(stringAt(sync, 'status', 'lastAttemptedRevision'))],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  const body = lines.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
  return `Sync ${sync.metadata.namespace ?? ''}/${sync.metadata.name ?? ''}\n${body}\n`;
}

function renderConditions(sync: KubeObject, now: Date): string {
  const conditions = conditionsOf(sync);
  if (conditions.length === 0) return 'Conditions: none yet (has the operator seen it?)\n';
  const rows = conditions.map((c) => [
    c.type,
    c.status,
    c.reason || '-',
    formatAge(c.lastTransitionTime, now),
    truncate(c.message, MESSAGE_WIDTH),
  ]);
  return `Conditions:\n${indent(renderTable(['TYPE', 'STATUS', 'REASON', 'AGE', 'MESSAGE'], rows))}`;
}

function renderInventory(sync: KubeObject): string {
  const entries = arrayAt(sync, 'status', 'inventory', 'entries').map((e) => recordAt(e));
  if (entries.length === 0) return 'Inventory: empty\n';
  const rows = entries.map((e) => [str(e.kind), idOf(e)]);
  return `Inventory (${entries.length}):\n${indent(renderTable(['KIND', 'NAME'], rows))}`;
}

function renderDriftedObject(obj: Record<string, unknown>, now: Date): string {
  const head = `${str(obj.kind)}/${idOf(obj)}${obj.deleted === true ? ' (deleted live)' : ''}\n`;
  const fields = arrayAt(obj, 'fields').map((f) => recordAt(f));
  if (fields.length === 0) return head;
  const rows = fields.map((f) => [
    str(f.path),
    str(f.manager),
    formatAge(stringAt(f, 'since'), now),
    truncate(str(f.desired), 40),
    truncate(str(f.live), 40),
  ]);
  return head + indent(renderTable(['FIELD', 'MANAGER', 'SINCE', 'DESIRED', 'LIVE'], rows));
}

function renderDrift(sync: KubeObject, now: Date): string {
  const drift = recordAt(sync, 'status', 'drift');
  const objects = arrayAt(drift, 'objects').map((o) => recordAt(o));
  if (objects.length === 0) return 'Drift: none\n';
  const since = stringAt(drift, 'since');
  const head = `Drift (${objects.length} object${objects.length === 1 ? '' : 's'}${since ? `, since ${formatAge(since, now)}` : ''}):\n`;
  return head + objects.map((o) => indent(renderDriftedObject(o, now))).join('');
}

function renderHistory(sync: KubeObject, now: Date): string {
  const entries = arrayAt(sync, 'status', 'history')
    .slice(0, HISTORY_SHOWN)
    .map((e) => recordAt(e));
  if (entries.length === 0) return 'History: none\n';
  const rows = entries.map((e) => [
    str(e.revision),
    str(e.result),
    formatAge(stringAt(e, 'startedAt'), now),
    typeof e.durationMs === 'number' ? formatDuration(Math.round(e.durationMs)) : '-',
    `+${num(e.created)} ~${num(e.configured)} -${num(e.deleted)}`,
    truncate(str(e.message, ''), MESSAGE_WIDTH),
  ]);
  const header = ['REVISION', 'RESULT', 'STARTED', 'DURATION', 'CHANGES', 'MESSAGE'];
  return `History (last ${HISTORY_SHOWN}, newest first):\n${indent(renderTable(header, rows))}`;
}

/** Recent events, newest last (`events` must be oldest first). */
export function renderEventsSection(events: readonly KubeObject[], now: Date): string {
  if (events.length === 0) return 'Events: none\n';
  const rows = events
    .slice(-EVENTS_SHOWN)
    .map((ev) => [
      formatAge(eventTimeOf(ev), now),
      str(stringAt(ev, 'type')),
      str(stringAt(ev, 'reason')),
      truncate(str(stringAt(ev, 'message'), ''), MESSAGE_WIDTH),
    ]);
  return `Events:\n${indent(renderTable(['LAST SEEN', 'TYPE', 'REASON', 'MESSAGE'], rows))}`;
}

/** Every section of `moor status sync`, blank lines between. */
export function renderSyncStatus(
  sync: KubeObject,
  events: readonly KubeObject[],
  now: Date,
): string {
  return [
    renderHeader(sync),
    renderConditions(sync, now),
    renderInventory(sync),
    renderDrift(sync, now),
    renderHistory(sync, now),
    renderEventsSection(events, now),
  ].join('\n');
}
