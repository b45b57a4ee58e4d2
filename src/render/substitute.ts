/**
 * Variable substitution in rendered objects (`spec.substitute`, `spec.substituteFrom`): pure.
 *
 * In string values only (never in keys): `${VAR}` becomes the variable's value, `${VAR:=default}`
 * the value or, when it is undefined or empty, `default`; `$${VAR}` is the literal `${VAR}`.
 * Names match `[_a-zA-Z][_a-zA-Z0-9]*`; anything else (`${1x}`, `${a-b}`, `$VAR`) is left as it
 * is. An undefined variable without a default becomes '' unless `strict`, where it is an error
 * naming the file, line and variable. What substitution adds counts against
 * `RenderLimits.renderedChars`.
 */
import type { KubeObject, Result } from '../core/index.ts';
import { err, ok } from '../core/index.ts';
import { RenderError, RenderErrorCode } from './errors.ts';
import { measureJson } from './json-size.ts';
import { formatBytes, RenderLimits } from './limits.ts';
import type { ManifestFile, ObjectSource, RenderedObject } from './types.ts';

export type SubstituteOptions = {
  /** The variables, already merged in their order (see mergeVariables). */
  readonly variables: Readonly<Record<string, string>>;
  /** An undefined variable without a default is an error (else it becomes ''). */
  readonly strict: boolean;
};

/** `$${NAME}` (escape), `${NAME}` or `${NAME:=default}`; the default holds no `}`. */
const REFERENCE = /\$(\$?)\{([_a-zA-Z][_a-zA-Z0-9]*)(?::=([^}]*))?\}/g;

/** What went wrong in one string: the variable not defined. */
type Undefined = { readonly variable: string };

/** Budget of characters substitution may still add. */
type Budget = { chars: number };

/**
 * Substitutes one string. Returns the same string when
 * it holds no reference, so objects without any are not copied.
 */
export function substituteText(
  text: string,
  options: SubstituteOptions,
): Result<string, Undefined> {
  if (!text.includes('${')) return ok(text);
  let missing: string | undefined;
  const out = text.replace(REFERENCE, (whole, escape: string, name: string, def?: string) => {
    if (escape) return whole.slice(1);
    const value = Object.hasOwn(options.variables, name) ? options.variables[name] : undefined;
    if (value !== undefined && (value !== '' || def === undefined)) return value;
    if (def !== undefined) return def;
    if (options.strict) missing ??= name;
    return '';
  });
  return missing === undefined ? ok(out) : err({ variable: missing });
}

/** Merges variable sets in order: a later set overrides an earlier one. */
export function mergeVariables(
  sets: readonly Readonly<Record<string, string>>[],
): Record<string, string> {
  const merged: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const set of sets) for (const [k, v] of Object.entries(set)) merged[k] = v;
  return merged;
}

/**
 * Substitutes the string values of every object, without changing the input (objects with no
 * reference are returned as they are). `files` (the rendered files) locate an undefined
 * variable's line; without them the object's first line is named.
 */
export function substituteObjects(
  objects: readonly RenderedObject[],
  options: SubstituteOptions,
  files: readonly ManifestFile[] = [],
): Result<RenderedObject[], RenderError> {
  const size = measureJson(
    objects.map((o) => o.object),
    RenderLimits.renderedChars,
  );
  const budget: Budget = { chars: RenderLimits.renderedChars - (size ?? 0) };
  const out: RenderedObject[] = [];
  for (const rendered of objects) {
    const walked = walk(rendered.object, options, budget);
    if (!walked.ok) {
      const { variable } = walked.error;
      if (variable === undefined) return err(tooLarge(rendered.source));
      return err(undefinedVariable(rendered.source, variable, files));
    }
    out.push(
      walked.value === rendered.object
        ? rendered
        : { ...rendered, object: walked.value as KubeObject },
    );
  }
  return ok(out);
}

type WalkError = { readonly variable?: string };

function walk(
  value: unknown,
  options: SubstituteOptions,
  budget: Budget,
): Result<unknown, WalkError> {
  if (typeof value === 'string') {
    const res = substituteText(value, options);
    if (!res.ok) return res;
    budget.chars -= res.value.length - value.length;
    return budget.chars < 0 ? err({}) : res;
  }
  if (Array.isArray(value)) return walkArray(value as unknown[], options, budget);
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array))
    return walkRecord(value as Record<string, unknown>, options, budget);
  return ok(value);
}

function walkArray(
  items: unknown[],
  options: SubstituteOptions,
  budget: Budget,
): Result<unknown, WalkError> {
  let copy: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const res = walk(items[i], options, budget);
    if (!res.ok) return res;
    if (res.value !== items[i]) (copy ??= [...items])[i] = res.value;
  }
  return ok(copy ?? items);
}

function walkRecord(
  record: Record<string, unknown>,
  options: SubstituteOptions,
  budget: Budget,
): Result<unknown, WalkError> {
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(record)) {
    const res = walk(item, options, budget);
    if (!res.ok) return res;
    if (res.value !== item) (copy ??= { ...record })[key] = res.value;
  }
  return ok(copy ?? record);
}

function tooLarge(source: ObjectSource): RenderError {
  const limit = formatBytes(RenderLimits.renderedChars);
  return new RenderError(
    RenderErrorCode.tooLarge,
    `${source.path}:${source.line}: objects with their variables substituted exceed the ${limit} one Sync may render`,
    { file: source.path, line: source.line },
  );
}

function undefinedVariable(
  source: ObjectSource,
  variable: string,
  files: readonly ManifestFile[],
): RenderError {
  const line = lineOf(source, variable, files);
  return new RenderError(
    RenderErrorCode.undefinedVariable,
    `${source.path}:${line}: variable ${variable} is not defined (spec.substituteStrict): define it in spec.substitute or spec.substituteFrom, or give a default with \${${variable}:=default}`,
    { file: source.path, line, variable },
  );
}

/** The line of the first `${variable` at or after the object's first line. */
function lineOf(source: ObjectSource, variable: string, files: readonly ManifestFile[]): number {
  const file = files.find((f) => f.path === source.path);
  if (!file) return source.line;
  const lines = file.content.split('\n');
  const needle = new RegExp(`(^|[^$])\\$\\{${variable}(\\}|:=)`);
  for (let i = Math.max(0, source.line - 1); i < lines.length; i++)
    if (needle.test(lines[i] ?? '')) return i + 1;
  return source.line;
}
