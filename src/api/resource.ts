// One definition per custom resource: its names, schemas and printer columns. The same
// definition validates objects (parseResource) and generates the CRD (crd.ts).
import { z } from 'zod';
import {
  API_GROUP_VERSION,
  err,
  formatObjectId,
  MoorError,
  ok,
  type ObjectMeta,
  type Result,
} from '../core/index.ts';

export { API_GROUP_VERSION };

export type PrinterColumn = {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description?: string;
  /** 0 shows in `kubectl get`; 1 only with `-o wide`. */
  readonly priority?: number;
};

export type ResourceDefinition<
  Kind extends string = string,
  Spec extends z.ZodType = z.ZodType,
  Status extends z.ZodType = z.ZodType,
> = {
  readonly kind: Kind;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly description: string;
  readonly spec: Spec;
  readonly status: Status;
  readonly printerColumns: readonly PrinterColumn[];
};

/** A Moor custom resource as plain JSON, with defaults applied to its spec. */
export type Resource<Kind extends string, Spec, Status> = {
  apiVersion: string;
  kind: Kind;
  metadata: ObjectMeta & { name: string };
  spec: Spec;
  status?: Status;
};

export type ApiValidationIssue = { readonly path: string; readonly message: string };

export type ApiValidationData = {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly issues: readonly ApiValidationIssue[];
};

/** An object that does not match its resource's schema; the message names it and each field. */
export class ApiValidationError extends MoorError<'InvalidResource', ApiValidationData> {
  constructor(data: ApiValidationData) {
    const subject = formatObjectId({
      group: '',
      kind: data.kind,
      namespace: data.namespace,
      name: data.name || '<unnamed>',
    });
    const details = data.issues
      .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
      .join('; ');
    super('InvalidResource', `${subject}: ${details}`, data);
  }
}

const metadataSchema = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().min(1).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  generation: z.int().optional(),
});

function buildObjectSchema(def: ResourceDefinition, status: z.ZodType) {
  return z.object({
    apiVersion: z.literal(API_GROUP_VERSION),
    kind: z.literal(def.kind),
    metadata: metadataSchema,
    spec: def.spec,
    status: status.optional(),
  });
}

type ObjectSchema = ReturnType<typeof buildObjectSchema>;
/** Built once per definition (and per status handling): building a zod schema is not free. */
const objectSchemas = new WeakMap<
  ResourceDefinition,
  { whole: ObjectSchema; served: ObjectSchema }
>();

function objectSchemaOf(def: ResourceDefinition, served: boolean): ObjectSchema {
  let schemas = objectSchemas.get(def);
  if (!schemas) {
    schemas = {
      whole: buildObjectSchema(def, def.status),
      served: buildObjectSchema(def, z.looseObject({})),
    };
    objectSchemas.set(def, schemas);
  }
  return served ? schemas.served : schemas.whole;
}

/**
 * Validates `obj` against the resource's schema and fills in the defaults. Unknown fields are
 * dropped, metadata is kept whole. With `servedStatus` the status is taken as it is, only checked
 * to be an object: for an object read from the API server, which validated, pruned and defaulted
 * the status subresource against the CRD generated from this same schema (crd.ts), so parsing it
 * again would only cost time (a Sync's status holds its whole inventory).
 */
export function parseResource<
  Kind extends string,
  Spec extends z.ZodType,
  Status extends z.ZodType,
>(
  def: ResourceDefinition<Kind, Spec, Status>,
  obj: unknown,
  options: { readonly servedStatus?: boolean } = {},
): Result<Resource<Kind, z.output<Spec>, z.output<Status>>, ApiValidationError> {
  const parsed = objectSchemaOf(def, options.servedStatus ?? false).safeParse(obj);
  if (parsed.success) return ok(parsed.data as Resource<Kind, z.output<Spec>, z.output<Status>>);
  const meta = (obj as { metadata?: { name?: unknown; namespace?: unknown } } | null)?.metadata;
  return err(
    new ApiValidationError({
      kind: def.kind,
      namespace: typeof meta?.namespace === 'string' ? meta.namespace : '',
      name: typeof meta?.name === 'string' ? meta.name : '',
      issues: parsed.error.issues.map((issue) => ({
        path: formatIssuePath(issue.path),
        message: issue.message,
      })),
    }),
  );
}

/** `['spec', 'dependsOn', 0, 'name']` → `spec.dependsOn[0].name`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
