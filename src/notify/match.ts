// Which Alerts select an event (pure): events filter, minimum severity, sources with wildcards.
import type { Alert, AlertSource, Severity } from '../api/index.ts';
import type { MoorEvent } from './events.ts';

const severityRank: Readonly<Record<Severity, number>> = { info: 0, error: 1 };

function sourceSelects(source: AlertSource, alertNamespace: string, event: MoorEvent): boolean {
  return (
    source.kind === event.source.kind &&
    (source.name === '*' || source.name === event.source.name) &&
    (source.namespace ?? alertNamespace) === event.source.namespace
  );
}

/**
 * True when `alert` sends `event`: not suspended; `spec.events` empty or naming the event; the
 * event at least as severe as `spec.severity`; and `spec.sources` empty (every source in the
 * Alert's namespace) or one entry matching kind, name (`*` for all) and namespace (default the
 * Alert's).
 */
export function alertSelects(alert: Alert, event: MoorEvent): boolean {
  const spec = alert.spec;
  if (spec.suspend) return false;
  const alertNamespace = alert.metadata.namespace ?? '';
  if (spec.events && spec.events.length > 0 && !spec.events.includes(event.event)) return false;
  if (severityRank[event.severity] < severityRank[spec.severity]) return false;
  const sources = spec.sources ?? [];
  if (sources.length === 0) return alertNamespace === event.source.namespace;
  return sources.some((source) => sourceSelects(source, alertNamespace, event));
}

/** The Alerts among `alerts` that send `event`, in their given order. */
export function selectAlerts(alerts: readonly Alert[], event: MoorEvent): Alert[] {
  return alerts.filter((alert) => alertSelects(alert, event));
}
