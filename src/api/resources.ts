// The five v1alpha1 resources: definitions, resource types and typed parsers.
import { Kinds, type MoorKind, type Result } from '../core/index.ts';
import {
  GitRepositorySpecSchema,
  GitRepositoryStatusSchema,
  type GitRepositorySpec,
  type GitRepositoryStatus,
} from './git-repository.ts';
import {
  AlertSpecSchema,
  AlertStatusSchema,
  ProviderSpecSchema,
  ProviderStatusSchema,
  ReceiverSpecSchema,
  ReceiverStatusSchema,
  type AlertSpec,
  type AlertStatus,
  type ProviderSpec,
  type ProviderStatus,
  type ReceiverSpec,
  type ReceiverStatus,
} from './notification.ts';
import {
  parseResource,
  type ApiValidationError,
  type PrinterColumn,
  type Resource,
  type ResourceDefinition,
} from './resource.ts';
import {
  imagePolicyDefinition,
  imageRepositoryDefinition,
  imageUpdateAutomationDefinition,
} from './image-resources.ts';
import { SyncSpecSchema, SyncStatusSchema, type SyncSpec, type SyncStatus } from './sync.ts';
import {
  HelmRepositorySpecSchema,
  HelmRepositoryStatusSchema,
  type HelmRepositorySpec,
  type HelmRepositoryStatus,
} from './helm-repository.ts';
import { syncHistoryDefinition } from './sync-history.ts';

export { Kinds, type MoorKind };

const readyColumns: readonly PrinterColumn[] = [
  {
    name: 'Ready',
    type: 'string',
    jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  },
  {
    name: 'Status',
    type: 'string',
    jsonPath: '.status.conditions[?(@.type=="Ready")].message',
  },
];
const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
};
const suspendedColumn: PrinterColumn = {
  name: 'Suspended',
  type: 'boolean',
  jsonPath: '.spec.suspend',
  priority: 1,
};

export const gitRepositoryDefinition = {
  kind: Kinds.GitRepository,
  plural: 'gitrepositories',
  singular: 'gitrepository',
  shortNames: ['gitrepo'],
  description: 'A Git repository Moor fetches desired state from.',
  spec: GitRepositorySpecSchema,
  status: GitRepositoryStatusSchema,
  printerColumns: [
    { name: 'URL', type: 'string', jsonPath: '.spec.url' },
    ...readyColumns,
    { name: 'Revision', type: 'string', jsonPath: '.status.artifact.revision' },
    ageColumn,
    suspendedColumn,
  ],
} as const satisfies ResourceDefinition;

export const syncDefinition = {
  kind: Kinds.Sync,
  plural: 'syncs',
  singular: 'sync',
  shortNames: [],
  description: 'One path of one source, applied to this cluster and kept converged.',
  spec: SyncSpecSchema,
  status: SyncStatusSchema,
  printerColumns: [
    ...readyColumns,
    { name: 'Revision', type: 'string', jsonPath: '.status.lastAppliedRevision' },
    ageColumn,
    {
      name: 'InSync',
      type: 'string',
      jsonPath: '.status.conditions[?(@.type=="InSync")].status',
      priority: 1,
    },
    { name: 'Source', type: 'string', jsonPath: '.spec.sourceRef.name', priority: 1 },
    suspendedColumn,
  ],
} as const satisfies ResourceDefinition;

export const providerDefinition = {
  kind: Kinds.Provider,
  plural: 'providers',
  singular: 'provider',
  shortNames: [],
  description: 'Where Moor sends feedback: a webhook, Slack, a Git host commit status or tag.',
  spec: ProviderSpecSchema,
  status: ProviderStatusSchema,
  printerColumns: [
    { name: 'Type', type: 'string', jsonPath: '.spec.type' },
    ...readyColumns,
    ageColumn,
    suspendedColumn,
  ],
} as const satisfies ResourceDefinition;

export const alertDefinition = {
  kind: Kinds.Alert,
  plural: 'alerts',
  singular: 'alert',
  shortNames: [],
  description: 'Which events go to a Provider.',
  spec: AlertSpecSchema,
  status: AlertStatusSchema,
  printerColumns: [
    { name: 'Provider', type: 'string', jsonPath: '.spec.providerRef.name' },
    { name: 'Severity', type: 'string', jsonPath: '.spec.severity' },
    ...readyColumns,
    ageColumn,
    suspendedColumn,
  ],
} as const satisfies ResourceDefinition;

export const receiverDefinition = {
  kind: Kinds.Receiver,
  plural: 'receivers',
  singular: 'receiver',
  shortNames: [],
  description: 'An incoming push webhook that makes Moor fetch at once.',
  spec: ReceiverSpecSchema,
  status: ReceiverStatusSchema,
  printerColumns: [
    { name: 'Type', type: 'string', jsonPath: '.spec.type' },
    ...readyColumns,
    { name: 'Path', type: 'string', jsonPath: '.status.webhookPath', priority: 1 },
    ageColumn,
    suspendedColumn,
  ],
} as const satisfies ResourceDefinition;

export const helmRepositoryDefinition = {
  kind: Kinds.HelmRepository,
  plural: 'helmrepositories',
  singular: 'helmrepository',
  shortNames: ['helmrepo'],
  description: 'A Helm chart repository Syncs render charts from.',
  spec: HelmRepositorySpecSchema,
  status: HelmRepositoryStatusSchema,
  printerColumns: [
    { name: 'URL', type: 'string', jsonPath: '.spec.url' },
    ageColumn,
    suspendedColumn,
  ],
} as const satisfies ResourceDefinition;

/** Every resource, in the order CRDs are generated and installed. */
export const resourceDefinitions: readonly ResourceDefinition[] = [
  gitRepositoryDefinition,
  syncDefinition,
  providerDefinition,
  alertDefinition,
  receiverDefinition,
  helmRepositoryDefinition,
  imageRepositoryDefinition,
  imagePolicyDefinition,
  imageUpdateAutomationDefinition,
  syncHistoryDefinition,
];

export type GitRepository = Resource<'GitRepository', GitRepositorySpec, GitRepositoryStatus>;
export type Sync = Resource<'Sync', SyncSpec, SyncStatus>;
export type Provider = Resource<'Provider', ProviderSpec, ProviderStatus>;
export type Alert = Resource<'Alert', AlertSpec, AlertStatus>;
export type Receiver = Resource<'Receiver', ReceiverSpec, ReceiverStatus>;
export type MoorResource = GitRepository | Sync | Provider | Alert | Receiver;

export function parseGitRepository(obj: unknown): Result<GitRepository, ApiValidationError> {
  return parseResource(gitRepositoryDefinition, obj);
}

export function parseSync(obj: unknown): Result<Sync, ApiValidationError> {
  return parseResource(syncDefinition, obj);
}

/**
 * A Sync as the API server serves it: spec and metadata parsed, the status taken as the API
 * server validated it against the CRD (see parseResource's `servedStatus`).
 */
export function parseServedSync(obj: unknown): Result<Sync, ApiValidationError> {
  return parseResource(syncDefinition, obj, { servedStatus: true });
}

export function parseProvider(obj: unknown): Result<Provider, ApiValidationError> {
  return parseResource(providerDefinition, obj);
}

export function parseAlert(obj: unknown): Result<Alert, ApiValidationError> {
  return parseResource(alertDefinition, obj);
}

export function parseReceiver(obj: unknown): Result<Receiver, ApiValidationError> {
  return parseResource(receiverDefinition, obj);
}

export type HelmRepository = Resource<'HelmRepository', HelmRepositorySpec, HelmRepositoryStatus>;

export function parseHelmRepository(obj: unknown): Result<HelmRepository, ApiValidationError> {
  return parseResource(helmRepositoryDefinition, obj);
}
