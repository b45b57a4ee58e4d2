// Helm values: parsed with positions (a YAML error names file:line:col), merged in the documented
// order (ADR 0024). Pure: the texts are read by the caller.
import { LineCounter, parseDocument } from 'yaml';
import type { Result } from '../core/index.ts';
import { err, ok } from '../core/index.ts';
import { RenderError, RenderErrorCode } from './errors.ts';

export type Values = Record<string, unknown>;

/** One layer of values, weakest first: a YAML mapping, or a text set at a dotted path. */
export type ValuesLayer =
  | { readonly name: string; readonly text: string }
  | { readonly name: string; readonly text: string; readonly targetPath: string }
  | { readonly name: string; readonly values: Values };

const isMapping = (v: unknown): v is Values =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a values document; `name` (a file, or `ConfigMap ns/name key`) prefixes errors. */
export function parseValues(name: string, text: string): Result<Values, RenderError> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const [syntax] = doc.errors;
  if (syntax) {
    const { line, col } = lines.linePos(syntax.pos[0]);
    const message = `${name}:${line}:${col}: ${syntax.message.split('\n')[0] ?? ''}`;
    return err(new RenderError(RenderErrorCode.syntax, message, { file: name, line, column: col }));
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined) return ok({});
  if (!isMapping(value)) {
    return err(
      new RenderError(RenderErrorCode.syntax, `${name}:1:1: values must be a YAML mapping`, {
        file: name,
        line: 1,
        column: 1,
      }),
    );
  }
  return ok(value);
}

/** Helm's merge: mappings merge key by key, anything else replaces; `over` wins. */
export function mergeValues(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isMapping(current) && isMapping(value) ? mergeValues(current, value) : value;
  }
  return out;
}

/** Sets `value` at a dotted path (`a.b.c`; `\.` keeps a dot in a key), making mappings on the way. */
export function setAtPath(target: Values, path: string, value: unknown): Values {
  const keys = path.split(/(?<!\\)\./).map((k) => k.replaceAll('\\.', '.'));
  const last = keys.pop() ?? path;
  const root: Values = structuredClone(target);
  let node = root;
  for (const key of keys) {
    const next = node[key];
    node[key] = isMapping(next) ? next : {};
    node = node[key] as Values;
  }
  node[last] = value;
  return root;
}

/** Merges the layers in order (later ones win); the first layer that does not parse is the error. */
export function mergeLayers(layers: readonly ValuesLayer[]): Result<Values, RenderError> {
  let merged: Values = {};
  for (const layer of layers) {
    if ('values' in layer) {
      merged = mergeValues(merged, layer.values);
    } else if ('targetPath' in layer) {
      merged = setAtPath(merged, layer.targetPath, layer.text);
    } else {
      const parsed = parseValues(layer.name, layer.text);
      if (!parsed.ok) return parsed;
      merged = mergeValues(merged, parsed.value);
    }
  }
  return ok(merged);
}
