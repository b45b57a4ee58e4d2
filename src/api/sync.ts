// Sync: one path of one source, applied to this cluster (DESIGN.md "Resources").
import { z } from 'zod';
import {
  commonStatusFields,
  gitRepositoryRefSchema,
  countField,
  durationField,
  intervalField,
  nameField,
  namespaceField,
  positiveDurationField,
  timestampField,
} from './fields.ts';
import { PinSchema, RolledBackSchema } from './sync-rollback.ts';
import { syncRenderFields, syncRenderStatusFields } from './sync-render.ts';
import { HelmSpecSchema, HelmStatusSchema } from './sync-helm.ts';
import { DeletionPolicySchema } from './sync-deletion.ts';

export const DriftModes = { Correct: 'Correct', Alert: 'Alert', Ignore: 'Ignore' } as const;
export type DriftMode = (typeof DriftModes)[keyof typeof DriftModes];

/** Suggested values of `status.history[].result`; the field stays an open string. */
export const HistoryResults = {
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  RolledBack: 'RolledBack',
  /** Applied, health not decided yet: the entry is completed by the reconcile that decides it. */
  Progressing: 'Progressing',
} as const;

const PATH_MESSAGE = 'must be a relative path inside the artifact (no leading / and no ..)';

/** `spec.path`: render/load.ts refuses a path that leaves the artifact; so does admission. */
const artifactPathField = () =>
  z
    .string()
    .min(1)
    .max(4096)
    .refine((path) => !path.startsWith('/') && !/(^|\/)\.\.(\/|$)/.test(path), {
      error: (issue) =>
        `path ${String(issue.input)} is outside the artifact (no leading / and no ..)`,
    })
    .meta({
      'x-kubernetes-validations': [
        {
          rule: "!self.startsWith('/') && !self.matches('(^|/)[.][.](/|$)')",
          message: PATH_MESSAGE,
        },
      ],
    });

export const DependencySchema = z.object({
  name: nameField().describe('A Sync that must be Ready first.'),
  namespace: namespaceField().optional().describe("Defaults to the Sync's namespace."),
});

export const DriftPolicySchema = z
  .object({
    mode: z
      .enum([DriftModes.Correct, DriftModes.Alert, DriftModes.Ignore])
      .default(DriftModes.Correct)
      .describe('Correct: re-apply; Alert: report only; Ignore: neither.'),
    alertAfter: durationField()
      .default('5m')
      .describe('How long desired and live may differ before Diverged is reported.'),
  })
  .describe('What to do when live objects drift from Git.');

export const RollbackPolicySchema = z
  .object({
    onHealthFailure: z
      .boolean()
      .default(false)
      .describe('Re-apply the last healthy revision when a new one fails its health checks.'),
  })
  .describe('What to do when a new revision is unhealthy.');

export const SyncSpecSchema = z.object({
  sourceRef: gitRepositoryRefSchema.describe('The source whose artifact is applied.'),
  path: artifactPathField().default('./').describe('Directory inside the artifact to apply.'),
  interval: intervalField()
    .default('10m')
    .describe('Full re-verification period; drift is also watched continuously. At least 1s.'),
  retryInterval: intervalField()
    .optional()
    .describe('Wait before retrying a failed apply; defaults to interval. At least 1s.'),
  timeout: positiveDurationField()
    .default('5m')
    .describe('Limit for one apply, including the wait.'),
  prune: z.boolean().default(false).describe('Delete objects removed from Git.'),
  wait: z.boolean().default(false).describe('Wait for everything applied to be healthy.'),
  dependsOn: z.array(DependencySchema).optional(),
  targetNamespace: namespaceField()
    .optional()
    .describe('Namespace for namespaced objects that name none.'),
  serviceAccountName: nameField()
    .optional()
    .describe('Apply as this service account (impersonation).'),
  suspend: z.boolean().default(false).describe('Stop reconciling while true.'),
  force: z.boolean().default(false).describe('Recreate objects whose immutable fields changed.'),
  drift: DriftPolicySchema.prefault({}),
  rollback: RollbackPolicySchema.prefault({}),
  pin: PinSchema.optional(),
  ...syncRenderFields,
  helm: HelmSpecSchema.optional(),
  deletionPolicy: DeletionPolicySchema,
});

export const InventoryEntrySchema = z.object({
  group: z.string().default('').describe("'' for the core group."),
  kind: z.string().min(1),
  namespace: z.string().default('').describe("'' for cluster-scoped objects."),
  name: z.string().min(1),
  version: z.string().min(1),
});

export const DriftFieldSchema = z.object({
  path: z.string().min(1).describe('Field path, e.g. spec.replicas.'),
  manager: z.string().optional().describe('Field manager that wrote the live value.'),
  since: timestampField().optional().describe('When this field was first seen to differ.'),
  desired: z.string().optional().describe('Desired value as JSON; never a secret value.'),
  live: z.string().optional().describe('Live value as JSON; never a secret value.'),
});

export const DriftedObjectSchema = z.object({
  group: z.string().default(''),
  kind: z.string().min(1),
  namespace: z.string().default(''),
  name: z.string().min(1),
  deleted: z.boolean().optional().describe('The object was deleted live.'),
  fields: z.array(DriftFieldSchema).optional(),
});

export const DriftStatusSchema = z
  .object({
    since: timestampField().optional().describe('When desired and live began to differ.'),
    objects: z.array(DriftedObjectSchema).optional(),
  })
  .describe('Objects and fields that differ from Git.');

export const HistoryEntrySchema = z.object({
  revision: z.string().min(1),
  startedAt: timestampField(),
  finishedAt: timestampField().optional(),
  result: z.string().min(1).describe('Succeeded, Failed, RolledBack, …'),
  message: z.string().optional(),
  created: countField().default(0),
  configured: countField().default(0),
  deleted: countField().default(0),
  durationMs: countField().optional(),
});

export const HealthWaitSchema = z
  .object({
    revision: z.string().min(1).describe('The revision whose health is awaited.'),
    generation: countField().optional().describe('The metadata.generation applied with it.'),
    startedAt: timestampField().describe('When the wait began; spec.timeout counts from here.'),
  })
  .describe('The health wait of the desired state applied last (spec.wait), until it is healthy.');

export const FinishedJobSchema = z
  .object({
    namespace: z.string().default(''),
    name: z.string().min(1),
    digest: z.string().min(1).describe('Digest of the rendered Job that finished.'),
    result: z.enum(['Complete', 'Failed']),
    message: z.string().optional(),
    revision: z.string().optional().describe('The revision it finished on.'),
  })
  .describe('A Job that finished and was then removed by its ttlSecondsAfterFinished.');

export const SyncStatusSchema = z.object({
  ...commonStatusFields,
  lastAppliedRevision: z.string().optional().describe('The revision last applied successfully.'),
  lastAttemptedRevision: z.string().optional().describe('The revision last tried.'),
  lastHealthyRevision: z
    .string()
    .optional()
    .describe('The revision last applied and found healthy (the rollback target).'),
  inventory: z
    .object({ entries: z.array(InventoryEntrySchema).optional() })
    .optional()
    .describe('Every object applied by this Sync.'),
  drift: DriftStatusSchema.optional(),
  healthWait: HealthWaitSchema.optional(),
  history: z.array(HistoryEntrySchema).optional().describe('Recent applies, newest first.'),
  finishedJobs: z
    .array(FinishedJobSchema)
    .optional()
    .describe('Jobs done for their rendered spec: not re-created until Git changes them.'),
  operator: z
    .string()
    .optional()
    .describe('The operator process that wrote this status last (another one yields the Sync).'),
  rolledBack: RolledBackSchema.optional(),
  ...syncRenderStatusFields,
  helm: HelmStatusSchema.optional(),
});

export type Dependency = z.output<typeof DependencySchema>;
export type DriftPolicy = z.output<typeof DriftPolicySchema>;
export type SyncSpec = z.output<typeof SyncSpecSchema>;
export type SyncSpecInput = z.input<typeof SyncSpecSchema>;
export type SyncStatus = z.output<typeof SyncStatusSchema>;
export type InventoryEntry = z.output<typeof InventoryEntrySchema>;
export type DriftStatus = z.output<typeof DriftStatusSchema>;
export type DriftedObject = z.output<typeof DriftedObjectSchema>;
export type DriftField = z.output<typeof DriftFieldSchema>;
export type HistoryEntry = z.output<typeof HistoryEntrySchema>;
export type HealthWait = z.output<typeof HealthWaitSchema>;
export type FinishedJob = z.output<typeof FinishedJobSchema>;
