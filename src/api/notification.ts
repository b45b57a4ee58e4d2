// Provider, Alert and Receiver: where feedback goes, which events go there, and incoming push
// webhooks (DESIGN.md "Resources").
import { z } from 'zod';
import {
  commonStatusFields,
  gitRepositoryRefSchema,
  namespaceField,
  nameField,
  positiveDurationField,
  secretRefSchema,
} from './fields.ts';
import { ReceiverPreviewSchema } from './receiver-preview.ts';

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
const WEB_ADDRESS_MESSAGE = 'webhook and slack need an http:// or https:// URL';
const REPO_ADDRESS_MESSAGE =
  'github, gitlab and gitea need the repository URL (https://, http://, ssh://, git:// or git@host:path)';

const WEB_ADDRESS = /^https?:\/\/[^\s/?#]+/;
const REPO_ADDRESS = /^((https?|ssh|git):\/\/[^\s/?#]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:)/;
const webTypes: readonly string[] = [ProviderTypes.webhook, ProviderTypes.slack];
const repoTypes: readonly string[] = [
  ProviderTypes.github,
  ProviderTypes.gitlab,
  ProviderTypes.gitea,
];

/** Each rule once, for zod (`test`) and the API server (`rule`, reported at `fieldPath`). */
const providerRules = [
  {
    field: 'sourceRef',
    test: (spec: { type: string; sourceRef?: unknown }) =>
      spec.type !== ProviderTypes.gittag || spec.sourceRef !== undefined,
    rule: "self.type != 'gittag' || has(self.sourceRef)",
    message: PROVIDER_TARGET_MESSAGE,
  },
  {
    field: 'address',
    test: (spec: { type: string; address?: string | undefined }) =>
      spec.type === ProviderTypes.gittag || spec.address !== undefined,
    rule: "self.type == 'gittag' || has(self.address)",
    message: PROVIDER_TARGET_MESSAGE,
  },
  {
    field: 'address',
    test: (spec: { type: string; address?: string | undefined }) =>
      !webTypes.includes(spec.type) || spec.address === undefined || WEB_ADDRESS.test(spec.address),
    rule: `!(self.type in ['webhook', 'slack']) || !has(self.address) || self.address.matches(r'${WEB_ADDRESS.source}')`,
    message: WEB_ADDRESS_MESSAGE,
  },
  {
    field: 'address',
    test: (spec: { type: string; address?: string | undefined }) =>
      !repoTypes.includes(spec.type) ||
      spec.address === undefined ||
      REPO_ADDRESS.test(spec.address),
    rule: `!(self.type in ['github', 'gitlab', 'gitea']) || !has(self.address) || self.address.matches(r'${REPO_ADDRESS.source}')`,
    message: REPO_ADDRESS_MESSAGE,
  },
] as const;

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
    timeout: positiveDurationField().default('15s').describe('Limit for one delivery.'),
    suspend: z.boolean().default(false).describe('Stop delivering while true.'),
  })
  .superRefine((spec, ctx) => {
    for (const { field, test, message } of providerRules) {
      if (!test(spec)) ctx.addIssue({ code: 'custom', path: [field], message });
    }
  })
  .meta({
    'x-kubernetes-validations': providerRules.map(({ field, rule, message }) => ({
      rule,
      message,
      fieldPath: `.${field}`,
    })),
  });

export const AlertSourceSchema = z.object({
  kind: z.enum(['Sync', 'GitRepository', 'ImageRepository', 'ImageUpdateAutomation']),
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
  preview: ReceiverPreviewSchema.optional(),
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
