// What a kustomization file refers to, read before kustomize runs: the local entries that lead to
// other files or kustomizations, for the caller to follow.
import { parseAllDocuments } from 'yaml';

/** Fields whose entries are files or kustomization directories that kustomize loads. */
export const FollowedFields = [
  'resources',
  'bases',
  'components',
  'generators',
  'transformers',
  'validators',
] as const;
export type FollowedField = (typeof FollowedFields)[number];

/** Fields whose entries configure plugins (a path, or the config itself inline). */
export const PluginFields: readonly FollowedField[] = ['generators', 'transformers', 'validators'];

/** A local entry to follow, as written in the kustomization (relative to its directory). */
export type LocalReference = { readonly field: FollowedField; readonly entry: string };

type Fields = Record<string, unknown>;

/**
 * The file and directory references of one kustomization file. A file that does not parse as a
 * mapping is left to kustomize to report.
 */
export function scanKustomization(content: string): LocalReference[] {
  const doc = parseMapping(content);
  if (!doc) return [];
  const references: LocalReference[] = [];
  for (const field of FollowedFields) {
    for (const entry of stringsOf(doc[field])) {
      const inline = PluginFields.includes(field) && objectsOf(entry).length > 0;
      if (!inline) references.push({ field, entry });
    }
  }
  return references;
}

function parseMapping(content: string): Fields | undefined {
  try {
    const docs = parseAllDocuments(content);
    if (!Array.isArray(docs) || docs.length === 0) return undefined;
    const [first] = docs;
    if (!first || first.errors.length > 0) return undefined;
    return asMapping(first.toJS());
  } catch {
    return undefined;
  }
}

function objectsOf(content: string): Fields[] {
  try {
    const docs = parseAllDocuments(content);
    if (!Array.isArray(docs)) return [];
    return docs
      .filter((d) => d.errors.length === 0)
      .map((d) => asMapping(d.toJS()))
      .filter((d): d is Fields => d !== undefined);
  } catch {
    return [];
  }
}

function asMapping(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Fields)
    : undefined;
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
