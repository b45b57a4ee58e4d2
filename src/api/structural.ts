// zod schema → the structural OpenAPI v3 subset CRDs accept. zod writes the JSON Schema; this
// keeps the keywords Kubernetes understands, drops what it rejects or does not need, and throws
// (a bug in our schemas) on anything it cannot express: $ref, anyOf/oneOf, nodes without a type.
import { z } from 'zod';

/** One node of a CRD's openAPIV3Schema. */
export type StructuralSchema = {
  description?: string;
  type: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  enum?: unknown[];
  default?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: StructuralSchema;
  items?: StructuralSchema;
  required?: string[];
  [extension: `x-kubernetes-${string}`]: unknown;
};

type JsonSchema = Record<string, unknown>;

/** Keys copied as they are, in this order (the order of the output, for stable YAML). */
const SCALAR_KEYS = [
  'description',
  'type',
  'format',
  'enum',
  'default',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
] as const;
const NESTED_KEYS = new Set(['properties', 'additionalProperties', 'items', 'required']);
const DROPPED_KEYS = new Set(['$schema']);
const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

/** Converts a zod schema (as the API server sees input: defaults optional) to structural OpenAPI. */
export function toStructuralSchema(schema: z.ZodType): StructuralSchema {
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    reused: 'inline',
    cycles: 'throw',
    unrepresentable: 'throw',
  }) as JsonSchema;
  return convertNode(json, '');
}

function convertNode(node: JsonSchema, path: string): StructuralSchema {
  checkKeys(node, path);
  const type = node.type;
  if (typeof type !== 'string' || !TYPES.has(type)) {
    throw new Error(
      `structural schema at ${path || '<root>'}: every node needs one type, got ${JSON.stringify(type)}`,
    );
  }
  const out: JsonSchema = {};
  for (const key of SCALAR_KEYS) {
    if (node[key] !== undefined) out[key] = node[key];
  }
  if (type === 'integer') tidyInteger(out);
  if (out.format === 'date-time') delete out.pattern; // zod's ECMAScript pattern; the format says it
  copyChildren(node, out, path);
  for (const key of Object.keys(node).sort()) {
    if (key.startsWith('x-kubernetes-')) out[key] = node[key];
  }
  return out as StructuralSchema;
}

function copyChildren(node: JsonSchema, out: JsonSchema, path: string): void {
  const properties = node.properties as Record<string, JsonSchema> | undefined;
  if (properties) {
    out.properties = Object.fromEntries(
      Object.entries(properties).map(([name, child]) => [
        name,
        convertNode(child, `${path}.${name}`),
      ]),
    );
  }
  // A node that keeps unknown fields (free-form values) says nothing about its members.
  const preserved = node['x-kubernetes-preserve-unknown-fields'] === true;
  const additional = preserved ? undefined : node.additionalProperties;
  if (additional === true) {
    throw new Error(
      `structural schema at ${path}: open objects need x-kubernetes-preserve-unknown-fields`,
    );
  }
  if (typeof additional === 'object' && additional !== null) {
    if (properties)
      throw new Error(`structural schema at ${path}: properties and additionalProperties together`);
    out.additionalProperties = convertNode(additional as JsonSchema, `${path}.*`);
  }
  if (node.items !== undefined) {
    if (typeof node.items !== 'object' || node.items === null || Array.isArray(node.items)) {
      throw new Error(`structural schema at ${path}: items must be one schema`);
    }
    out.items = convertNode(node.items as JsonSchema, `${path}[]`);
  }
  const required = node.required as string[] | undefined;
  if (required && required.length > 0) out.required = [...required];
}

function checkKeys(node: JsonSchema, path: string): void {
  for (const key of Object.keys(node)) {
    const known =
      (SCALAR_KEYS as readonly string[]).includes(key) ||
      NESTED_KEYS.has(key) ||
      DROPPED_KEYS.has(key) ||
      key.startsWith('x-kubernetes-');
    if (!known) {
      throw new Error(
        `structural schema at ${path || '<root>'}: keyword ${JSON.stringify(key)} is not supported`,
      );
    }
  }
}

/** zod bounds every int to the safe-integer range; Kubernetes wants int64 and no such bounds. */
function tidyInteger(out: JsonSchema): void {
  if (out.minimum === Number.MIN_SAFE_INTEGER) delete out.minimum;
  if (out.maximum === Number.MAX_SAFE_INTEGER) delete out.maximum;
  out.format ??= 'int64';
}
