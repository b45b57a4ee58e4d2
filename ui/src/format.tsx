// Small shared pieces: condition badges, ages.
import type { Tri } from '../../src/server/dashboard/types.ts';

export function age(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

const WORDS: Record<Tri, string> = { True: 'yes', False: 'no', Unknown: '–' };

export function Badge(props: { readonly label: string; readonly value: Tri }) {
  return (
    <span
      class={`badge b-${props.value.toLowerCase()}`}
      title={`${props.label}: ${props.value}`}
      aria-label={`${props.label}: ${props.value}`}
      data-condition={props.label}
      data-status={props.value}
    >
      {WORDS[props.value]}
    </span>
  );
}

export function HealthBadge(props: { readonly health: string }) {
  const cls =
    props.health === 'Current' ? 'true' : props.health === 'InProgress' ? 'unknown' : 'false';
  return (
    <span
      class={`badge b-${cls}`}
      aria-label={`health: ${props.health}`}
      data-health={props.health}
    >
      {props.health}
    </span>
  );
}
