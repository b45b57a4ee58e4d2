import { createHash } from 'node:crypto';
import type { Document, Node } from 'yaml';
import { Composer, LineCounter, Parser, isNode } from 'yaml';
import type { KubeObject, Result } from '../core/index.ts';
import { err, formatObjectId, isRecord, objectIdOf, objectKey, ok } from '../core/index.ts';
import { RenderError, RenderErrorCode } from './errors.ts';
import { measureJson } from './json-size.ts';
import { toJsonValue } from './json-value.ts';
import { formatBytes, RenderLimits } from './limits.ts';
import { MAX_NESTING_DEPTH, findTooDeep } from './nesting.ts';
import type { ManifestFile, RenderedObject } from './types.ts';

/**
 * Parses manifest files (YAML streams with `---`, or JSON) into objects.
 *
 * Order: files by path (code-unit order), then documents in file order, then the items of a
 * `kind: List` in list order. The result is the same whatever order `files` come in.
 * Empty documents are skipped; a `*List` with `items` is expanded; the same object twice is an
 * error naming both places. YAML is read as YAML 1.2 (core schema) with `<<` merge keys, as
 * kustomize reads it. The objects' JSON form (aliases expanded) and their number are bounded by
 * `RenderLimits`, measured before anything is copied.
 */
export function parseManifests(
  files: readonly ManifestFile[],
  memo?: ParseMemo,
): Result<RenderedObject[], RenderError> {
  const sorted = [...files].sort((a, b) => compareText(a.path, b.path));
  const objects: RenderedObject[] = [];
  const budget = { chars: RenderLimits.renderedChars };
  for (const file of sorted) {
    // Keyed by a hash, not the text: the memo must not keep every file's text alive.
    const key = memo
      ? `${file.path}\0${createHash('sha256').update(file.content).digest('base64')}`
      : '';
    const known = memo?.get(key);
    const parsed = known ? measureKnown(file.path, known, budget) : parseFile(file, budget);
    if (!parsed.ok) return parsed;
    if (memo && !known) memo.set(key, parsed.value);
    objects.push(...parsed.value);
    if (objects.length > RenderLimits.objects) {
      const message = `${file.path}: more than the ${RenderLimits.objects} objects one Sync may render (counting up to this file)`;
      return err(new RenderError(RenderErrorCode.tooLarge, message, { file: file.path }));
    }
  }
  const duplicate = findDuplicate(objects);
  return duplicate ? err(duplicate) : ok(objects);
}

/** What is left of the JSON characters one render may produce. */
type Budget = { chars: number };

/** A memoized file's objects, counted against the budget as if parsed again. */
function measureKnown(
  path: string,
  known: RenderedObject[],
  budget: Budget,
): Result<RenderedObject[], RenderError> {
  const size = measureJson(
    known.map((o) => o.object),
    budget.chars,
  );
  if (size === undefined) return err(renderedTooLarge(path, known[0]?.source.line ?? 1, 1));
  budget.chars -= size;
  return ok(known);
}

function renderedTooLarge(path: string, line: number, column: number): RenderError {
  const limit = formatBytes(RenderLimits.renderedChars);
  return new RenderError(
    RenderErrorCode.tooLarge,
    `${path}:${line}:${column}: objects written as JSON (aliases expanded) exceed the ${limit} one Sync may render`,
    { file: path, line, column },
  );
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

function parseFile(file: ManifestFile, budget: Budget): Result<RenderedObject[], RenderError> {
  const lines = new LineCounter();
  // Parse and compose in two steps (as parseAllDocuments does) to measure nesting in between:
  // composing is recursive and would overflow the stack on a deep document.
  const tokens = Array.from(new Parser(lines.addNewLine).parse(file.content));
  const tooDeep = findTooDeep(tokens);
  if (tooDeep !== undefined) return err(nestingError(file.path, lines.linePos(tooDeep)));
  // logLevel: a file's oddities (a mapping used as a key) are not the process's warnings.
  const docs = Array.from(new Composer({ merge: true, logLevel: 'error' }).compose(tokens));
  const objects: RenderedObject[] = [];
  for (const doc of docs) {
    const parsed = parseDocument(file.path, doc, lines, budget);
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
  budget: Budget,
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
  const at = positionOf(doc.contents, lines);
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (cause) {
    // toJS throws on alias bombs (more aliases than maxAliasCount) and similar misuse.
    const message = cause instanceof Error ? cause.message : String(cause);
    return err(
      new RenderError(
        RenderErrorCode.syntax,
        `${path}:${at.line}:${at.col}: ${message}`,
        { file: path, line: at.line, column: at.col },
        { cause },
      ),
    );
  }
  if (value === null || value === undefined) return ok([]);
  // Measured before it is copied: aliases share what they repeat until then.
  const size = measureJson(value, budget.chars);
  if (size === undefined) return err(renderedTooLarge(path, at.line, at.col));
  budget.chars -= size;
  const json = toJsonValue(value);
  if (!json.ok) {
    const { at: where, problem } = json.error;
    return err(
      new RenderError(
        RenderErrorCode.invalidValue,
        `${path}:${at.line}:${at.col}: ${where}: ${problem}`,
        { file: path, line: at.line, column: at.col },
      ),
    );
  }
  if (isListKind(json.value)) return expandList(path, doc, lines, json.value);
  const rendered = toRendered(path, at, json.value);
  return rendered.ok ? ok([rendered.value]) : rendered;
}

function expandList(
  path: string,
  doc: Document.Parsed,
  lines: LineCounter,
  list: Record<string, unknown>,
): Result<RenderedObject[], RenderError> {
  const { items } = list;
  if (!Array.isArray(items)) {
    const at = positionOf(doc.contents, lines);
    const found = items === undefined ? 'none' : describeValue(items);
    return err(
      notAnObject(path, at, `a ${String(list.kind)} needs an items sequence, found ${found}`),
    );
  }
  const objects: RenderedObject[] = [];
  for (const [i, item] of (items as unknown[]).entries()) {
    const node = doc.getIn(['items', i], true);
    const at = positionOf(isNode(node) ? node : doc.contents, lines);
    if (isListKind(item)) {
      return err(notAnObject(path, at, `a ${String(list.kind)} item cannot be a list itself`));
    }
    const rendered = toRendered(path, at, item);
    if (!rendered.ok) return rendered;
    objects.push(rendered.value);
  }
  return ok(objects);
}

function toRendered(
  path: string,
  at: Position,
  value: unknown,
): Result<RenderedObject, RenderError> {
  const missing = missingFields(value);
  if (missing.length > 0) {
    // A sequence or scalar at the top (JSON `[...]`, a line of text) says what it is instead.
    const not = isRecord(value) ? '' : ` (the document is ${describeValue(value)}, not a mapping)`;
    return err(notAnObject(path, at, `missing ${missing.join(', ')}${not}`));
  }
  return ok({ object: value as KubeObject, source: { path, line: at.line } });
}

function notAnObject(path: string, at: Position, problem: string): RenderError {
  return new RenderError(
    RenderErrorCode.notAnObject,
    `${path}:${at.line}:${at.col}: not a Kubernetes object: ${problem}`,
    { file: path, line: at.line, column: at.col },
  );
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a sequence';
  if (value === null) return 'null';
  return isRecord(value) ? 'a mapping' : `a ${typeof value}`;
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

/**
 * A list to expand, as kubectl and kustomize do: any `*List` kind holding `items`, and
 * `kind: List` whatever it holds (without an `items` sequence it is refused, not applied).
 */
function isListKind(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value) || typeof value.kind !== 'string') return false;
  return value.kind === 'List' || (value.kind.endsWith('List') && 'items' in value);
}

/** 1-based line and column. */
type Position = { readonly line: number; readonly col: number };

function positionOf(node: Node | null, lines: LineCounter): Position {
  return lines.linePos(node?.range?.[0] ?? 0);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
