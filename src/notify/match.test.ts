// Which Alerts select an event: events filter, severity, sources (wildcards, namespaces), suspend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertSpecInput } from '../api/index.ts';
import { EventSeverities, createEvent, type MoorEvent } from './events.ts';
import { alertSelects, selectAlerts } from './match.ts';
import { makeAlert, makeEvent } from './test-helpers.ts';

type Case = {
  readonly name: string;
  readonly alertNamespace?: string;
  readonly spec: Omit<AlertSpecInput, 'providerRef'>;
  readonly event: Partial<MoorEvent>;
  readonly selects: boolean;
};

const inApps = (kind: 'Sync' | 'GitRepository', name: string) => ({
  source: { kind, namespace: 'apps', name },
});
const inOps = (name: string) => ({ source: { kind: 'Sync' as const, namespace: 'ops', name } });
const failed: Partial<MoorEvent> = { event: 'ApplyFailed', severity: 'error' };

const cases: readonly Case[] = [
  // events
  { name: 'no events list: every event', spec: {}, event: {}, selects: true },
  { name: 'empty events list: every event', spec: { events: [] }, event: failed, selects: true },
  { name: 'listed event', spec: { events: ['Converged'] }, event: {}, selects: true },
  {
    name: 'unlisted event',
    spec: { events: ['ApplyFailed', 'Diverged'] },
    event: {},
    selects: false,
  },
  // severity
  { name: 'info alert gets info events', spec: { severity: 'info' }, event: {}, selects: true },
  {
    name: 'info alert gets error events',
    spec: { severity: 'info' },
    event: failed,
    selects: true,
  },
  { name: 'error alert skips info events', spec: { severity: 'error' }, event: {}, selects: false },
  {
    name: 'error alert gets error events',
    spec: { severity: 'error' },
    event: failed,
    selects: true,
  },
  {
    name: 'events and severity both apply',
    spec: { severity: 'error', events: ['Converged', 'ApplyFailed'] },
    event: {},
    selects: false,
  },
  // sources
  {
    name: 'no sources: any source in the namespace',
    spec: {},
    event: inApps('GitRepository', 'x'),
    selects: true,
  },
  { name: 'no sources: not another namespace', spec: {}, event: inOps('web'), selects: false },
  {
    name: 'named source',
    spec: { sources: [{ kind: 'Sync', name: 'web' }] },
    event: inApps('Sync', 'web'),
    selects: true,
  },
  {
    name: 'another name',
    spec: { sources: [{ kind: 'Sync', name: 'web' }] },
    event: inApps('Sync', 'api'),
    selects: false,
  },
  {
    name: 'same name, other kind',
    spec: { sources: [{ kind: 'Sync', name: 'web' }] },
    event: inApps('GitRepository', 'web'),
    selects: false,
  },
  {
    name: 'wildcard name',
    spec: { sources: [{ kind: 'Sync', name: '*' }] },
    event: inApps('Sync', 'anything'),
    selects: true,
  },
  {
    name: 'wildcard keeps the kind',
    spec: { sources: [{ kind: 'Sync', name: '*' }] },
    event: inApps('GitRepository', 'anything'),
    selects: false,
  },
  {
    name: 'wildcard defaults to the Alert namespace',
    spec: { sources: [{ kind: 'Sync', name: '*' }] },
    event: inOps('web'),
    selects: false,
  },
  {
    name: 'source in another namespace',
    spec: { sources: [{ kind: 'Sync', name: '*', namespace: 'ops' }] },
    event: inOps('web'),
    selects: true,
  },
  {
    name: 'source namespace set: not the Alert namespace',
    spec: { sources: [{ kind: 'Sync', name: 'web', namespace: 'ops' }] },
    event: inApps('Sync', 'web'),
    selects: false,
  },
  {
    name: 'any of several sources',
    spec: {
      sources: [
        { kind: 'GitRepository', name: 'repo' },
        { kind: 'Sync', name: 'api' },
      ],
    },
    event: inApps('Sync', 'api'),
    selects: true,
  },
  // suspend
  { name: 'suspended alert', spec: { suspend: true }, event: failed, selects: false },
];

test('alertSelects follows events, severity, sources and suspend', () => {
  for (const c of cases) {
    const alert = makeAlert(c.alertNamespace ?? 'apps', 'a', {
      providerRef: { name: 'p' },
      ...c.spec,
    });
    assert.equal(alertSelects(alert, makeEvent(c.event)), c.selects, c.name);
  }
});

test('selectAlerts keeps the selecting Alerts in order', () => {
  const alerts = [
    makeAlert('apps', 'all', { providerRef: { name: 'p' } }),
    makeAlert('apps', 'errors', { providerRef: { name: 'p' }, severity: 'error' }),
    makeAlert('apps', 'paused', { providerRef: { name: 'p' }, suspend: true }),
    makeAlert('apps', 'web-only', {
      providerRef: { name: 'q' },
      sources: [{ kind: 'Sync', name: 'web' }],
    }),
  ];
  const names = (event: MoorEvent) => selectAlerts(alerts, event).map((a) => a.metadata.name);
  assert.deepEqual(names(makeEvent()), ['all', 'web-only']);
  assert.deepEqual(names(makeEvent({ event: 'HealthFailed', severity: 'error' })), [
    'all',
    'errors',
    'web-only',
  ]);
  assert.deepEqual(names(makeEvent(inApps('Sync', 'api'))), ['all']);
});

test('default severities: failures (a failed image scan too), rollbacks and Diverged are errors', () => {
  const errors = Object.entries(EventSeverities)
    .filter(([, severity]) => severity === 'error')
    .map(([event]) => event)
    .sort();
  assert.deepEqual(errors, [
    'ApplyFailed',
    'Diverged',
    'HealthFailed',
    'ImageScanFailed',
    'RolledBack',
  ]);
  const event = createEvent(
    { event: 'Diverged', source: { kind: 'Sync', namespace: 'apps', name: 'web' }, message: 'x' },
    new Date('2024-05-01T12:03:00.999Z'),
  );
  assert.equal(event.severity, 'error');
  assert.equal(event.timestamp, '2024-05-01T12:03:00Z');
});
