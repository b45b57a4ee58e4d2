// How commands print: aligned tables for people, JSON and YAML for scripts.
import { Option } from '@commander-js/extra-typings';
import { stringify } from 'yaml';
import type { KubeObject } from '../core/index.ts';

export const OutputFormats = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OutputFormats)[number];

/** `-o, --output table|json|yaml`, table by default: every listing takes it. */
export function outputOption() {
  return new Option('-o, --output <format>', 'output format')
    .choices(OutputFormats)
    .default('table' as const);
}

const GAP = '   ';

/** Columns padded to their widest cell, three spaces apart, no trailing blanks. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const all = [header, ...rows];
  const widths = header.map((_, col) => Math.max(...all.map((row) => width(row[col] ?? ''))));
  const lines = all.map((row) =>
    header
      .map((_, col) => {
        const cell = row[col] ?? '';
        return col === header.length - 1
          ? cell
          : cell + ' '.repeat((widths[col] ?? 0) - width(cell));
      })
      .join(GAP)
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

function width(text: string): number {
  return Array.from(text).length;
}

/** One line of at most `max` characters, ending in `…` when cut. */
export function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(line);
  return chars.length <= max ? line : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Time since `since` as kubectl prints ages: `45s`, `3m20s`, `25m`, `5h10m`, `30h`, `3d4h`, `40d`. */
export function formatAge(since: string | undefined, now: Date): string {
  if (!since) return '-';
  const then = Date.parse(since);
  if (Number.isNaN(then)) return '-';
  const s = Math.max(0, Math.floor((now.getTime() - then) / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const d = Math.floor(h / 24);
  if (s < 120) return `${s}s`;
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (h < 3) return `${m}m`;
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  return `${d}d`;
}

/** JSON (2-space, trailing newline) or YAML of `data`. */
export function formatData(data: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(data, null, 2)}\n` : stringify(data);
}

/** Objects as one multi-document YAML stream. */
export function formatYamlDocuments(objects: readonly unknown[]): string {
  return objects.map((o) => `---\n${stringify(o)}`).join('');
}

/** The object as `kubectl get -o yaml` shows it: without `metadata.managedFields`. */
export function forDisplay(obj: KubeObject): KubeObject {
  const { managedFields: _, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** A listing as kubectl prints one: `{ apiVersion: v1, kind: List, items }`. */
export function listOf(items: readonly KubeObject[]): KubeObject {
  return { apiVersion: 'v1', kind: 'List', metadata: {}, items: items.map(forDisplay) };
}

/** Prints `data` as JSON/YAML, or the table `renderTable` builds. */
export function renderOutput(format: OutputFormat, data: unknown, table: () => string): string {
  return format === 'table' ? table() : formatData(data, format);
}
