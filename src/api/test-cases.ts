// Loads the fixture tables in testdata/ (shared by the pure and the real-cluster tests).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export type ObjectCase = {
  readonly name: string;
  /** Which parser to use when `object.kind` is itself wrong. */
  readonly parseAs?: string;
  readonly object: {
    kind: string;
    metadata?: { name: string; namespace?: string };
    [field: string]: unknown;
  };
  /** defaults.yaml: the spec after defaulting. */
  readonly spec?: unknown;
  /** invalid.yaml: the whole message of the parse error. */
  readonly error?: string;
  /** invalid.yaml: what the API server's rejection says, when it rejects the object too. */
  readonly serverError?: readonly string[];
  /** invalid.yaml: a credential that neither the parse error nor the server's may contain. */
  readonly neverShown?: string;
};

export function loadObjectCases(file: 'defaults.yaml' | 'invalid.yaml'): ObjectCase[] {
  return parse(readFileSync(new URL(`testdata/${file}`, import.meta.url), 'utf8')) as ObjectCase[];
}
