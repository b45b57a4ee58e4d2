// The image automation resources: definitions, resource types and typed parsers.
import { Kinds, type Result } from '../core/index.ts';
import {
  ImagePolicySpecSchema,
  ImagePolicyStatusSchema,
  ImageRepositorySpecSchema,
  ImageRepositoryStatusSchema,
  ImageUpdateAutomationSpecSchema,
  ImageUpdateAutomationStatusSchema,
  type ImagePolicySpec,
  type ImagePolicyStatus,
  type ImageRepositorySpec,
  type ImageRepositoryStatus,
  type ImageUpdateAutomationSpec,
  type ImageUpdateAutomationStatus,
} from './image.ts';
import {
  parseResource,
  type ApiValidationError,
  type PrinterColumn,
  type Resource,
  type ResourceDefinition,
} from './resource.ts';

const columns: readonly PrinterColumn[] = [
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message' },
];
const age: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

export const imageRepositoryDefinition = {
  kind: Kinds.ImageRepository,
  plural: 'imagerepositories',
  singular: 'imagerepository',
  shortNames: ['imagerepo'],
  description: 'A container image whose tags Moor lists from its registry.',
  spec: ImageRepositorySpecSchema,
  status: ImageRepositoryStatusSchema,
  printerColumns: [
    { name: 'Image', type: 'string', jsonPath: '.spec.image' },
    { name: 'Tags', type: 'integer', jsonPath: '.status.lastScanResult.tagCount' },
    ...columns,
    age,
  ],
} as const satisfies ResourceDefinition;

export const imagePolicyDefinition = {
  kind: Kinds.ImagePolicy,
  plural: 'imagepolicies',
  singular: 'imagepolicy',
  shortNames: [],
  description: 'Which tag of an ImageRepository is the latest.',
  spec: ImagePolicySpecSchema,
  status: ImagePolicyStatusSchema,
  printerColumns: [
    { name: 'Latest', type: 'string', jsonPath: '.status.latestRef.tag' },
    ...columns,
    age,
  ],
} as const satisfies ResourceDefinition;

export const imageUpdateAutomationDefinition = {
  kind: Kinds.ImageUpdateAutomation,
  plural: 'imageupdateautomations',
  singular: 'imageupdateautomation',
  shortNames: [],
  description: 'Writes the latest images of ImagePolicies into a Git repository and pushes.',
  spec: ImageUpdateAutomationSpecSchema,
  status: ImageUpdateAutomationStatusSchema,
  printerColumns: [
    { name: 'Last commit', type: 'string', jsonPath: '.status.lastPushCommit' },
    ...columns,
    age,
  ],
} as const satisfies ResourceDefinition;

export type ImageRepository = Resource<
  'ImageRepository',
  ImageRepositorySpec,
  ImageRepositoryStatus
>;
export type ImagePolicy = Resource<'ImagePolicy', ImagePolicySpec, ImagePolicyStatus>;
export type ImageUpdateAutomation = Resource<
  'ImageUpdateAutomation',
  ImageUpdateAutomationSpec,
  ImageUpdateAutomationStatus
>;

export function parseImageRepository(obj: unknown): Result<ImageRepository, ApiValidationError> {
  return parseResource(imageRepositoryDefinition, obj);
}

export function parseImagePolicy(obj: unknown): Result<ImagePolicy, ApiValidationError> {
  return parseResource(imagePolicyDefinition, obj);
}

export function parseImageUpdateAutomation(
  obj: unknown,
): Result<ImageUpdateAutomation, ApiValidationError> {
  return parseResource(imageUpdateAutomationDefinition, obj);
}
