// What a kustomization file may refer to, decided before kustomize runs: remote bases and
// resources (http(s), git, `github.com/…`) unless allowed, and generators, transformers or
// validators that are not kustomize's builtins (exec plugins, KRM functions) are refused; the
// local entries that lead to other files or kustomizations are returned for the caller to follow.
import { parseAllDocuments } from 'yaml';
import type { Result } from '../core/index.ts';
import { err, isRecord, ok } from '../core/index.ts';
import { RenderError, RenderErrorCode } from './errors.ts';

export type KustomizePolicy = {
  /** Accept remote bases and resources (http(s), ssh and git URLs); `file://` is never accepted. */
  readonly allowRemote: boolean;
};

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

/** Fields whose entries configure plugins: each must be a builtin. */
export const PluginFields: readonly FollowedField[] = ['generators', 'transformers', 'validators'];

/** A local entry to follow, as written in the kustomization (relative to its directory). */
export type LocalReference = { readonly field: FollowedField; readonly entry: string };

type Fields = Record<string, unknown>;

/**
 * Checks one kustomization file (`file` names it in messages, relative to the artifact) and
 * returns its local file and directory references. A file that does not parse as a mapping is
 * left to kustomize to report.
 */
export function scanKustomization(
  content: string,
  file: string,
  policy: KustomizePolicy,
): Result<LocalReference[], RenderError> {
  const doc = parseMapping(content);
  if (!doc) return ok([]);
  const references: LocalReference[] = [];
  for (const field of FollowedFields) {
    for (const entry of stringsOf(doc[field])) {
      const inline = PluginFields.includes(field) ? inlineConfigs(entry) : undefined;
      const refused = inline
        ? checkPluginConfigs(inline, file, field)
        : checkEntry(entry, file, field, policy);
      if (refused) return err(refused);
      if (!inline && !isRemote(entry)) references.push({ field, entry });
    }
  }
  for (const [field, entry] of fileEntries(doc)) {
    const refused = checkEntry(entry, file, field, policy) ?? checkFilePath(entry, file, field);
    if (refused) return err(refused);
  }
  return ok(references);
}

/**
 * Checks a file named by the `field` entry `entry` of the kustomization `file`: a generators,
 * transformers or validators entry, or a resource of a kustomization so named. Every document in
 * it must configure one of kustomize's builtins.
 */
export function scanPluginFile(
  content: string,
  at: { readonly file: string; readonly field: FollowedField; readonly entry: string },
): Result<void, RenderError> {
  const refused = checkPluginConfigs(objectsOf(content), at.file, at.field, at.entry);
  return refused ? err(refused) : ok(undefined);
}

/** Whether kustomize would fetch `entry` instead of reading it from the artifact. */
export function isRemote(entry: string): boolean {
  const s = entry.trim().replace(/^git::/i, '');
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ||
    /^[a-z][a-z0-9-]*@/i.test(s) ||
    /^github\.com[/:]/i.test(s) ||
    /^gh:/i.test(s)
  );
}

/**
 * A file entry with an absolute path names a file of the host, never of the artifact. (Relative
 * ones climbing out are kept in by kustomize's load restrictor, in the private copy.)
 */
function checkFilePath(entry: string, file: string, field: string): RenderError | undefined {
  if (!entry.trim().startsWith('/')) return undefined;
  return new RenderError(
    RenderErrorCode.referenceEscapes,
    `${file}: ${field} entry ${entry} is outside the artifact`,
    { file, entry },
  );
}

function checkEntry(
  entry: string,
  file: string,
  field: string,
  policy: KustomizePolicy,
): RenderError | undefined {
  if (!isRemote(entry)) return undefined;
  const fileScheme = /^(git::)?file:/i.test(entry.trim());
  if (policy.allowRemote && !fileScheme) return undefined;
  const why = fileScheme
    ? 'file:// URLs read outside the artifact and are always refused'
    : 'remote bases and resources are refused unless the operator runs with --allow-remote-bases';
  return new RenderError(
    RenderErrorCode.remoteRefused,
    `${file}: ${field} entry ${entry} is remote: ${why}`,
    { file, entry },
  );
}

const FUNCTION_ANNOTATIONS = ['config.kubernetes.io/function', 'config.k8s.io/function'];

function checkPluginConfigs(
  configs: readonly Fields[],
  file: string,
  field: string,
  path?: string,
): RenderError | undefined {
  for (const config of configs) {
    const kind = typeof config.kind === 'string' ? config.kind : '?';
    const apiVersion = typeof config.apiVersion === 'string' ? config.apiVersion : '?';
    const metadata = asMapping(config.metadata);
    const annotations = asMapping(metadata?.annotations) ?? {};
    const name = typeof metadata?.name === 'string' ? `/${metadata.name}` : '';
    const fn = FUNCTION_ANNOTATIONS.some((a) => a in annotations);
    if (!fn && apiVersion === 'builtin') continue;
    const what = fn ? 'a KRM function' : 'an exec or KRM function plugin';
    const described = `${apiVersion} ${kind}${name}`;
    const entry = path ?? described;
    const named = path ? `${path} (${described})` : described;
    return new RenderError(
      RenderErrorCode.pluginRefused,
      `${file}: ${field} entry ${named} is ${what}: only kustomize's builtin generators, transformers and validators run`,
      { file, entry },
    );
  }
  return undefined;
}

/** `[key=]path` entries of generators, and single-path fields, that kustomize reads as files. */
function fileEntries(doc: Fields): [string, string][] {
  const found: [string, string][] = [];
  const add = (field: string, value: unknown): void => {
    for (const s of stringsOf(value)) found.push([field, s]);
  };
  add('crds', doc.crds);
  add('configurations', doc.configurations);
  add('patchesStrategicMerge', doc.patchesStrategicMerge);
  for (const field of ['patches', 'patchesJson6902', 'replacements'])
    for (const item of mappingsOf(doc[field])) add(`${field}.path`, item.path);
  add('openapi.path', asMapping(doc.openapi)?.path);
  for (const field of ['configMapGenerator', 'secretGenerator']) {
    for (const gen of mappingsOf(doc[field])) {
      for (const f of stringsOf(gen.files))
        found.push([`${field}.files`, f.replace(/^[^=]*=/, '')]);
      add(`${field}.envs`, gen.envs);
      add(`${field}.env`, gen.env);
    }
  }
  return found;
}

/** How a generator reads a file: `envs` (dotenv lines, one key each) or `files` (one key). */
export type GeneratorUse = 'envs' | 'files';

/** The files configMapGenerator and secretGenerator entries of a kustomization read. */
export function generatorInputsOf(
  content: string,
): { readonly field: string; readonly use: GeneratorUse; readonly entry: string }[] {
  const doc = parseMapping(content);
  if (!doc) return [];
  const found: { field: string; use: GeneratorUse; entry: string }[] = [];
  for (const field of ['configMapGenerator', 'secretGenerator']) {
    for (const gen of mappingsOf(doc[field])) {
      for (const f of stringsOf(gen.files))
        found.push({ field, use: 'files', entry: f.replace(/^[^=]*=/, '') });
      for (const f of [...stringsOf(gen.envs), ...stringsOf(gen.env)])
        found.push({ field, use: 'envs', entry: f });
    }
  }
  return found;
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

/** The documents of an inline plugin config, or undefined when `entry` is a path. */
function inlineConfigs(entry: string): Fields[] | undefined {
  const objects = objectsOf(entry);
  return objects.length > 0 ? objects : undefined;
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
  return isRecord(value) ? value : undefined;
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function mappingsOf(value: unknown): Fields[] {
  return Array.isArray(value)
    ? value.map(asMapping).filter((v): v is Fields => v !== undefined)
    : [];
}
