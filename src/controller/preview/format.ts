/**
 * A preview as people read it: plain text for the terminal, Markdown for a pull-request comment
 * or a commit status's details. Secret values are already masked in the preview itself.
 */
import { formatObjectId } from '../../core/index.ts';
import { summarizePreview, type ObjectChange, type Preview } from './compare.ts';
import type { FieldChange } from './field-diff.ts';

const MASK = '(secret value hidden)';

function fieldLine(f: FieldChange): string {
  if (f.masked) return `${f.path}: ${MASK}`;
  return `${f.path}: ${f.before ?? '(absent)'} → ${f.after ?? '(absent)'}`;
}

const SIGNS = { create: '+', change: '~', prune: '-' } as const;

/** `+ ConfigMap/ns/name`, and for a change one indented line per field. */
export function formatPreviewText(p: Preview): string {
  const lines = [
    `Sync ${p.sync.namespace}/${p.sync.name} at ${p.revision}: ${summarizePreview(p)}`,
  ];
  const rows = [...p.create, ...p.change, ...p.prune];
  for (const c of rows) {
    lines.push(`${SIGNS[c.action]} ${formatObjectId(c)}`);
    for (const f of c.fields ?? []) lines.push(`    ${fieldLine(f)}`);
  }
  for (const f of p.failed) lines.push(`! ${formatObjectId(f)}: ${f.message}`);
  if (rows.length === 0 && p.failed.length === 0) lines.push('no changes');
  return `${lines.join('\n')}\n`;
}

const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;

function markdownRows(title: string, changes: readonly ObjectChange[]): string[] {
  if (changes.length === 0) return [];
  const out = [`### ${title} (${changes.length})`, ''];
  for (const c of changes) {
    out.push(`- ${code(formatObjectId(c))}`);
    for (const f of c.fields ?? []) out.push(`  - ${code(fieldLine(f))}`);
  }
  out.push('');
  return out;
}

/** Markdown for a pull request: a summary line, then created, changed, pruned and refused objects. */
export function formatPreviewMarkdown(p: Preview): string {
  const out = [
    `## Moor preview: Sync ${code(`${p.sync.namespace}/${p.sync.name}`)}`,
    '',
    `At ${code(p.revision)}: **${summarizePreview(p)}** (${p.unchanged} unchanged).`,
    '',
    ...markdownRows('To create', p.create),
    ...markdownRows('To change', p.change),
    ...markdownRows('To prune', p.prune),
  ];
  if (p.failed.length > 0) {
    out.push(`### Refused by the API server (${p.failed.length})`, '');
    for (const f of p.failed) out.push(`- ${code(formatObjectId(f))}: ${f.message}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
