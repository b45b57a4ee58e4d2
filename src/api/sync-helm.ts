// Sync `spec.helm`: render a Helm chart (ADR 0024) instead of reading plain manifests.
import { z } from 'zod';
import { nameField, namespaceField } from './fields.ts';

/** Where a `valuesFrom` entry is read from. */
export const ValuesSourceKinds = { ConfigMap: 'ConfigMap', Secret: 'Secret' } as const;

/** Any YAML mapping: the API server keeps it as written. */
const valuesField = () =>
  z
    .record(z.string(), z.unknown())
    .meta({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });

const relativeFileField = () =>
  z
    .string()
    .min(1)
    .max(4096)
    .refine((path) => !path.startsWith('/') && !/(^|\/)\.\.(\/|$)/.test(path), {
      error: (issue) => `${String(issue.input)} is outside the artifact (no leading / and no ..)`,
    });

export const ValuesFromSchema = z.object({
  kind: z.enum([ValuesSourceKinds.ConfigMap, ValuesSourceKinds.Secret]),
  name: nameField().describe("In the Sync's namespace."),
  key: z
    .string()
    .min(1)
    .max(253)
    .default('values.yaml')
    .describe('The data key; a YAML mapping unless targetPath is set.'),
  optional: z.boolean().default(false).describe('A missing object or key is no error.'),
  targetPath: z
    .string()
    .min(1)
    .max(1024)
    .optional()
    .describe('Dotted path (a.b.c) the key’s text is set at, instead of merging it as YAML.'),
});

export const HelmSourceRefSchema = z
  .object({
    kind: z.literal('HelmRepository'),
    name: nameField(),
    namespace: namespaceField().optional().describe("Defaults to the Sync's namespace."),
  })
  .describe('Take the chart from this HelmRepository (spec.helm.chart is then its name there).');

export const HelmSpecSchema = z
  .object({
    sourceRef: HelmSourceRefSchema.optional(),
    chart: relativeFileField()
      .optional()
      .describe(
        'Chart directory in the artifact (holding Chart.yaml; defaults to spec.path), or with sourceRef the chart name in the repository.',
      ),
    version: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe('A semver range the chart version must match.'),
    releaseName: nameField().optional().describe("Defaults to the Sync's name."),
    namespace: namespaceField()
      .optional()
      .describe(
        "The release namespace (.Release.Namespace, and where objects naming none go); defaults to spec.targetNamespace, then the Sync's namespace.",
      ),
    valuesFiles: z
      .array(relativeFileField())
      .max(64)
      .optional()
      .describe('Values files, relative to the artifact root, merged in order.'),
    valuesFrom: z.array(ValuesFromSchema).max(64).optional(),
    values: valuesField().optional().describe('Inline values, merged last (they win).'),
  })
  .describe(
    'Render a Helm chart with helm template. Values merge order: the chart’s values.yaml, valuesFiles, valuesFrom, values.',
  );

export type HelmSpec = z.output<typeof HelmSpecSchema>;
export type ValuesFrom = z.output<typeof ValuesFromSchema>;

export const HelmStatusSchema = z
  .object({
    chart: z.string().min(1).describe('The chart rendered last.'),
    version: z.string().min(1).describe('Its version (the highest match of spec.helm.version).'),
    skippedHooks: z
      .array(z.string())
      .optional()
      .describe(
        'Chart hooks not applied (test, delete and rollback hooks), as Kind/ns/name (hook).',
      ),
  })
  .describe('The chart in use.');

export type HelmStatus = z.output<typeof HelmStatusSchema>;
