// Provider, Alert and Receiver: where feedback goes, which events go there, and incoming push
// webhooks (DESIGN.md "Resources").
import { z } from 'zod';
import {
  commonStatusFields,
  durationField,
  gitRepositoryRefSchema,
  namespaceField,
  nameField,
  secretRefSchema,
} from './fields.ts';

export const ProviderTypes = {
  webhook: 'webhook',
  slack: 'slack',
  github: 'github',
  gitlab: 'gitlab',
  gitea: 'gitea',
  gittag: 'gittag',
} as const;
export type ProviderType = (typeof ProviderTypes)[keyof typeof ProviderTypes];

export const Severities = { info: 'info', error: 'error' } as const;
export type Severity = (typeof Severities)[keyof typeof Severities];

export const ReceiverTypes = {
  github: 'github',
  gitlab: 'gitlab',
  gitea: 'gitea',
  generic: 'generic',
} as const;
export type ReceiverType = (typeof ReceiverTypes)[keyof typeof ReceiverTypes];

const PROVIDER_TARGET_MESSAGE = 'gittag needs spec.sourceRef; every other type needs spec.address';

export const ProviderSpecSchema = z
  .object({
    type: z.enum([
      ProviderTypes.webhook,
      ProviderTypes.slack,
      ProviderTypes.github,
      ProviderTypes.gitlab,
      ProviderTypes.gitea,
      ProviderTypes.gittag,
    ]),
    address: z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .describe('URL to post to; for github/gitlab/gitea the repository URL.'),
    sourceRef: gitRepositoryRefSchema
      .optional()
      .describe('For gittag: the GitRepository whose remote gets the per-cluster tag.'),
    secretRef: secretRefSchema
      .optional()
      .describe('Keys token, hmacKey, or Git credentials as for GitRepository.'),
    cluster: z
      .string()
      .min(1)
      .max(253)
      .optional()
      .describe('Name used in commit-status contexts and tags; defaults to --cluster-name.'),
    timeout: durationField().default('15s').describe('Limit for one delivery.'),
    suspend: z.boolean().default(false).describe('Stop delivering while true.'),
  })
  .superRefine((spec, ctx) => {
    if (spec.type === ProviderTypes.gittag && spec.sourceRef === undefined) {
      ctx.addIssue({ code: 'custom', path: ['sourceRef'], message: PROVIDER_TARGET_MESSAGE });
    }
    if (spec.type !== ProviderTypes.gittag && spec.address === undefined) {
      ctx.addIssue({ code: 'custom', path: ['address'], message: PROVIDER_TARGET_MESSAGE });
    }
  })
  .meta({
    'x-kubernetes-validations': [
      {
        rule: "self.type == 'gittag' ? has(self.sourceRef) : has(self.address)",
        message: PROVIDER_TARGET_MESSAGE,
      },
    ],
  });

export const AlertSourceSchema = z.object({
  kind: z.enum(['Sync', 'GitRepository']),
  name: z
    .string()
    .min(1)
    .max(253)
    .regex(/^(\*|[a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/, { message: 'must be a name or *' })
    .describe('A name, or * for every object of this kind.'),
  namespace: namespaceField().optional().describe("Defaults to the Alert's namespace."),
});

export const AlertSpecSchema = z.object({
  providerRef: z.object({ name: nameField() }).describe('The Provider in the same namespace.'),
  events: z
    .array(z.string().min(1))
    .optional()
    .describe('Event names (ChangeCommitted, Diverged, Converged, …); empty means all.'),
  sources: z
    .array(AlertSourceSchema)
    .optional()
    .describe("Objects whose events are sent; empty means every source in the Alert's namespace."),
  severity: z
    .enum([Severities.info, Severities.error])
    .default(Severities.info)
    .describe('Minimum severity sent.'),
  suspend: z.boolean().default(false).describe('Stop sending while true.'),
});

export const ReceiverSpecSchema = z.object({
  type: z.enum([
    ReceiverTypes.github,
    ReceiverTypes.gitlab,
    ReceiverTypes.gitea,
    ReceiverTypes.generic,
  ]),
  secretRef: secretRefSchema.describe('Key token: the shared secret the Git host signs with.'),
  resources: z
    .array(gitRepositoryRefSchema)
    .min(1)
    .describe('GitRepositories to fetch at once when a push arrives.'),
  events: z
    .array(z.string().min(1))
    .optional()
    .describe('Git host event types to act on (e.g. push); empty means the host default.'),
  suspend: z.boolean().default(false).describe('Ignore incoming webhooks while true.'),
});

export const ProviderStatusSchema = z.object({ ...commonStatusFields });
export const AlertStatusSchema = z.object({ ...commonStatusFields });
export const ReceiverStatusSchema = z.object({
  ...commonStatusFields,
  webhookPath: z
    .string()
    .optional()
    .describe("Path on the operator's HTTP server to point the Git host at."),
});

export type ProviderSpec = z.output<typeof ProviderSpecSchema>;
export type ProviderSpecInput = z.input<typeof ProviderSpecSchema>;
export type ProviderStatus = z.output<typeof ProviderStatusSchema>;
export type AlertSource = z.output<typeof AlertSourceSchema>;
export type AlertSpec = z.output<typeof AlertSpecSchema>;
export type AlertSpecInput = z.input<typeof AlertSpecSchema>;
export type AlertStatus = z.output<typeof AlertStatusSchema>;
export type ReceiverSpec = z.output<typeof ReceiverSpecSchema>;
export type ReceiverSpecInput = z.input<typeof ReceiverSpecSchema>;
export type ReceiverStatus = z.output<typeof ReceiverStatusSchema>;
