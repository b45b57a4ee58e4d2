// Sync render options: variable substitution and SOPS decryption (DESIGN.md "Resources").
import { z } from 'zod';
import { nameField, secretRefSchema } from './fields.ts';

/** A variable name as `${NAME}` accepts it. */
export const VARIABLE_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

export const SubstituteFromKinds = { ConfigMap: 'ConfigMap', Secret: 'Secret' } as const;
export type SubstituteFromKind = (typeof SubstituteFromKinds)[keyof typeof SubstituteFromKinds];

const variableMap = () =>
  z
    .record(
      z
        .string()
        .regex(VARIABLE_NAME, { message: 'must be a variable name ([_a-zA-Z][_a-zA-Z0-9]*)' }),
      z.string(),
    )
    .describe('Variables to substitute: name → value.');

export const SubstituteFromSchema = z.object({
  kind: z.enum([SubstituteFromKinds.ConfigMap, SubstituteFromKinds.Secret]),
  name: nameField().describe("A ConfigMap or Secret in the Sync's namespace."),
  optional: z
    .boolean()
    .default(false)
    .describe('A missing ConfigMap or Secret is no error (it adds no variables).'),
});

export const DecryptionSchema = z
  .object({
    provider: z.enum(['sops']).default('sops'),
    secretRef: secretRefSchema.describe(
      'A Secret whose keys ending in .agekey hold age identities (AGE-SECRET-KEY-1…).',
    ),
  })
  .describe('Decrypt SOPS-encrypted files (age) in memory before applying them.');

/** The Sync spec's render fields of this file, spread into SyncSpecSchema. */
export const syncRenderFields = {
  substitute: variableMap().optional(),
  substituteFrom: z
    .array(SubstituteFromSchema)
    .optional()
    .describe(
      'ConfigMaps and Secrets whose data are variables; a later entry overrides an earlier one, and spec.substitute overrides them all.',
    ),
  substituteStrict: z
    .boolean()
    .optional()
    .describe('An undefined variable without a default is an error (else it becomes empty).'),
  decryption: DecryptionSchema.optional(),
};

/** The Sync status's render fields of this file, spread into SyncStatusSchema. */
export const syncRenderStatusFields = {
  lastAppliedInputs: z
    .string()
    .optional()
    .describe(
      'Digest of what the last apply read from the cluster to render (substituteFrom, decryption): a change re-renders.',
    ),
};

export type SubstituteFrom = z.output<typeof SubstituteFromSchema>;
export type Decryption = z.output<typeof DecryptionSchema>;
