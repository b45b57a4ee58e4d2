import { createHash } from 'node:crypto';
import type { Document, Node } from 'yaml';
import { Composer, LineCounter, Parser, isNode } from 'yaml';
import type { KubeObject, Result } from '../core/index.ts';
import { err, formatObjectId, objectIdOf, objectKey, ok } from '../core/index.ts';
import { RenderError, RenderErrorCode } from './errors.ts';
import { toJsonValue } from './json-value.ts';
import { MAX_NESTING_DEPTH, findTooDeep } from './nesting.ts';
import type { ManifestFile, RenderedObject } from './types.ts';

/**
 * Parses manifest files (YAML streams with `---`, or JSON) into objects.
 *
 * Order: files by path (code-unit order), then documents in file order, then the items of a
 * `kind: List` in list order. The result is the same whatever order `files` come in.
 * Empty documents are skipped; a `*List` with `items` is expanded; the same object twice is an
 * error naming both places. YAML is read as YAML 1.2 (core schema) with `<<` merge keys, as
 * kustomize reads it.
 */
export function parseManifests(
  files: readonly ManifestFile[],
  memo?: ParseMemo,
): Result<RenderedObject[], RenderError> {
  const sorted = [...files].sort((a, b) => compareText(a.path, b.path));
  const objects: RenderedObject[] = [];
  for (const file of sorted) {
    // Keyed by a hash, not the text: the memo must not keep every file's text alive.
    const key = memo
      ? `${file.path}\0${createHash('sha256').update(file.content).digest('base64')}`
      : '';
    const known = memo?.get(key);
    const parsed = known ? ok(known) : parseFile(file);
    if (!parsed.ok) return parsed;
    if (memo && !known) memo.set(key, parsed.value);
    objects.push(...parsed.value);
  }
  const duplicate = findDuplicate(objects);
  return duplicate ? err(duplicate) : ok(objects);
}

/**
 * Parsed files by path and content, kept by the caller across renders so that a commit changing
 * one file parses one file. Its entries are never mutated (transform clones).
 */
export type ParseMemo = Map<string, RenderedObject[]>;

/** The first object defined twice, as an error naming both places; undefined when none is. */
export function findDuplicate(objects: readonly RenderedObject[]): RenderError | undefined {
  const seen = new Map<string, RenderedObject>();
  for (const current of objects) {
    const id = objectIdOf(current.object);
    const key = objectKey(id);
    const first = seen.get(key);
    if (!first) {
      seen.set(key, current);
      continue;
    }
    const a = `${first.source.path}:${first.source.line}`;
    const b = `${current.source.path}:${current.source.line}`;
    return new RenderError(
      RenderErrorCode.duplicateObject,
      `${formatObjectId(id)} is defined twice: at ${a} and at ${b}`,
      {
        file: current.source.path,
        line: current.source.line,
        other: { file: first.source.path, line: first.source.line },
      },
    );
  }
  return undefined;
}

/** Code-unit order, independent of locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function parseFile(file: ManifestFile): Result<RenderedObject[], RenderError> {
  const lines = new LineCounter();
  // Parse and compose in two steps (as parseAllDocuments does) to measure nesting in between:
  // composing is recursive and would overflow the stack on a deep document.
  const tokens = Array.from(new Parser(lines.addNewLine).parse(file.content));
  const tooDeep = findTooDeep(tokens);
  if (tooDeep !== undefined) return err(nestingError(file.path, lines.linePos(tooDeep)));
  const docs = Array.from(new Composer({ merge: true }).compose(tokens));
  const objects: RenderedObject[] = [];
  for (const doc of docs) {
    const parsed = parseDocument(file.path, doc, lines);
    if (!parsed.ok) return parsed;
    objects.push(...parsed.value);
  }
  return ok(objects);
}

function nestingError(path: string, at: { line: number; col: number }): RenderError {
  const { line, col } = at;
  return new RenderError(
    RenderErrorCode.tooDeep,
    `${path}:${line}:${col}: collections nest deeper than ${MAX_NESTING_DEPTH} levels`,
    { file: path, line, column: col },
  );
}

function parseDocument(
  path: string,
  doc: Document.Parsed,
  lines: LineCounter,
): Result<RenderedObject[], RenderError> {
  const [syntax] = doc.errors;
  if (syntax) {
    const { line, col } = lines.linePos(syntax.pos[0]);
    return err(
      new RenderError(RenderErrorCode.syntax, `${path}:${line}:${col}: ${syntax.message}`, {
        file: path,
        line,
        column: col,
      }),
    );
  }
  if (doc.contents === null) return ok([]);
  const line = lineOf(doc.contents, lines);
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (cause) {
    // toJS throws on alias bombs (more aliases than maxAliasCount) and similar misuse.
    const message = cause instanceof Error ? cause.message : String(cause);
    return err(
      new RenderError(
        RenderErrorCode.syntax,
        `${path}:${line}: ${message}`,
        { file: path, line },
        {
          cause,
        },
      ),
    );
  }
  if (value === null || value === undefined) return ok([]);
  const json = toJsonValue(value);
  if (!json.ok) {
    const { at, problem } = json.error;
    return err(
      new RenderError(RenderErrorCode.invalidValue, `${path}:${line}: ${at}: ${problem}`, {
        file: path,
        line,
      }),
    );
  }
  if (isList(json.value)) return expandList(path, doc, lines, json.value.items);
  const rendered = toRendered(path, line, json.value);
  return rendered.ok ? ok([rendered.value]) : rendered;
}

function expandList(
  path: string,
  doc: Document.Parsed,
  lines: LineCounter,
  items: readonly unknown[],
): Result<RenderedObject[], RenderError> {
  const objects: RenderedObject[] = [];
  for (const [i, item] of items.entries()) {
    const node = doc.getIn(['items', i], true);
    const line = isNode(node) ? lineOf(node, lines) : lineOf(doc.contents, lines);
    const rendered = toRendered(path, line, item);
    if (!rendered.ok) return rendered;
    objects.push(rendered.value);
  }
  return ok(objects);
}

function toRendered(
  path: string,
  line: number,
  value: unknown,
): Result<RenderedObject, RenderError> {
  const missing = missingFields(value);
  if (missing.length > 0) {
    return err(
      new RenderError(
        RenderErrorCode.notAnObject,
        `${path}:${line}: not a Kubernetes object: missing ${missing.join(', ')}`,
        { file: path, line },
      ),
    );
  }
  return ok({ object: value as KubeObject, source: { path, line } });
}

function missingFields(value: unknown): string[] {
  if (!isRecord(value)) return ['apiVersion', 'kind', 'metadata.name'];
  const missing: string[] = [];
  if (!isNonEmptyString(value.apiVersion)) missing.push('apiVersion');
  if (!isNonEmptyString(value.kind)) missing.push('kind');
  const metadata = value.metadata;
  if (!isRecord(metadata) || !isNonEmptyString(metadata.name)) missing.push('metadata.name');
  return missing;
}

/** `kind: List` (or any `*List`) holding an `items` array, as kubectl and kustomize expand. */
function isList(value: unknown): value is { items: unknown[] } {
  return (
    isRecord(value) &&
    typeof value.kind === 'string' &&
    value.kind.endsWith('List') &&
    Array.isArray(value.items)
  );
}

function lineOf(node: Node | null, lines: LineCounter): number {
  const start = node?.range?.[0] ?? 0;
  return lines.linePos(start).line;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
