// HelmRepository: a Helm chart repository (index.yaml + packaged charts) over http(s) (ADR 0024).
import { z } from 'zod';
import {
  commonStatusFields,
  countField,
  intervalField,
  positiveDurationField,
  secretRefSchema,
  timestampField,
} from './fields.ts';

const URL_MESSAGE = 'must be an http://, https:// or oci:// URL';

export const HelmRepositorySpecSchema = z.object({
  url: z
    .string()
    .min(1)
    .max(2048)
    .regex(/^(https?|oci):\/\/\S+$/, { message: URL_MESSAGE })
    .describe('http(s): its index is URL/index.yaml; oci://host/path: charts are URL/NAME.'),
  insecure: z
    .boolean()
    .default(false)
    .describe('OCI over plain HTTP (a registry without TLS, such as one on loopback).'),
  interval: intervalField().default('10m').describe('How long a fetched index is used.'),
  timeout: positiveDurationField().default('60s').describe('Limit for one fetch.'),
  secretRef: secretRefSchema
    .optional()
    .describe('Basic auth: a Secret with keys username and password.'),
  suspend: z.boolean().default(false).describe('Fetch nothing new while true.'),
});

const IndexArtifactSchema = z
  .object({
    digest: z.string().min(1).describe('sha256:<hex> of index.yaml as served.'),
    lastUpdateTime: timestampField().describe('When an index with this digest was first fetched.'),
  })
  .describe('The last index fetched (http(s) repositories only).');

export const HelmRepositoryStatusSchema = z.object({
  ...commonStatusFields,
  artifact: IndexArtifactSchema.optional(),
  charts: countField().optional().describe('Charts the index lists.'),
  versions: countField()
    .optional()
    .describe('Chart versions the index lists, all charts together.'),
});

export type HelmRepositorySpec = z.output<typeof HelmRepositorySpecSchema>;
export type HelmRepositoryStatus = z.output<typeof HelmRepositoryStatusSchema>;
