// ImageRepository, ImagePolicy and ImageUpdateAutomation: image update automation (DESIGN.md
// "Resources": a new image in a registry becomes a commit in Git, then a rollout).
import semver from 'semver';
import { z } from 'zod';
import {
  commonStatusFields,
  countField,
  gitRepositoryRefSchema,
  intervalField,
  namespaceField,
  nameField,
  positiveDurationField,
  secretRefSchema,
  timestampField,
} from './fields.ts';

const isRegex = (text: string): boolean => {
  try {
    new RegExp(text, 'u');
    return true;
  } catch {
    return false;
  }
};
const regexField = () =>
  z.string().min(1).max(1024).refine(isRegex, { message: 'must be a valid regular expression' });

/** `registry[:port]/path` without tag or digest (`127.0.0.1:5000/app`, `ghcr.io/org/app`). */
const IMAGE_PATTERN = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/;

export const ImageRepositorySpecSchema = z.object({
  image: z
    .string()
    .min(1)
    .max(512)
    .regex(IMAGE_PATTERN, { message: 'must be an image name without tag, e.g. ghcr.io/org/app' })
    .describe('The image to scan, without tag: registry host and repository path.'),
  interval: intervalField().default('5m').describe('How often to list the tags. At least 1s.'),
  timeout: positiveDurationField().default('30s').describe('Limit for one scan.'),
  secretRef: secretRefSchema
    .optional()
    .describe('A kubernetes.io/dockerconfigjson Secret, or one with keys username/password.'),
  insecure: z
    .boolean()
    .default(false)
    .describe('Speak plain HTTP to the registry (loopback and test registries).'),
  exclusionList: z
    .array(regexField())
    .max(64)
    .default(['^.*\\.sig$'])
    .describe('Tags matching any of these regular expressions are left out.'),
  suspend: z.boolean().default(false).describe('Stop scanning while true.'),
});

export const ScanResultSchema = z.object({
  tagCount: countField().describe('Tags found (after the exclusion list).'),
  scanTime: timestampField().describe('When the scan finished.'),
  latestTags: z
    .array(z.string())
    .max(10)
    .optional()
    .describe('Up to ten tags, the last in sorted order (the full list stays in the operator).'),
});

export const ImageRepositoryStatusSchema = z.object({
  ...commonStatusFields,
  canonicalImageName: z.string().optional().describe('registry/path the tags were listed for.'),
  lastScanResult: ScanResultSchema.optional(),
});

export const SortOrders = { asc: 'asc', desc: 'desc' } as const;
const orderField = () =>
  z
    .enum([SortOrders.asc, SortOrders.desc])
    .default(SortOrders.asc)
    .describe('asc: the last in ascending order is the latest; desc: the first.');

export const ImagePolicyChoiceSchema = z
  .object({
    semver: z
      .object({
        range: z
          .string()
          .min(1)
          .max(255)
          .refine((range) => semver.validRange(range) !== null, {
            message: 'must be a semver range such as ">=1.0.0 <2" or "1.x"',
          })
          .describe('The highest version in this range is the latest.'),
        prereleases: z
          .boolean()
          .default(false)
          .describe('Count prerelease versions (1.2.0-rc.1) as candidates.'),
      })
      .optional(),
    alphabetical: z.object({ order: orderField() }).optional(),
    numerical: z.object({ order: orderField() }).optional(),
  })
  .superRefine((policy, ctx) => {
    const set = (['semver', 'alphabetical', 'numerical'] as const).filter(
      (k) => policy[k] !== undefined,
    );
    if (set.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `must set exactly one of semver, alphabetical, numerical (got ${set.length === 0 ? 'none' : set.join(', ')})`,
      });
    }
  })
  .describe('How to pick the latest tag: exactly one of semver, alphabetical, numerical.');

export const FilterTagsSchema = z
  .object({
    pattern: regexField().describe('Only tags matching this regular expression are candidates.'),
    extract: z
      .string()
      .max(255)
      .optional()
      .describe('What the policy orders by, e.g. "$ts" for a named capture (?<ts>…).'),
  })
  .describe('Which tags are candidates, and which part of them is compared.');

export const ImagePolicySpecSchema = z.object({
  imageRepositoryRef: z
    .object({
      name: nameField(),
      namespace: namespaceField().optional().describe("Defaults to the policy's namespace."),
    })
    .describe('The ImageRepository whose tags are chosen from.'),
  policy: ImagePolicyChoiceSchema,
  filterTags: FilterTagsSchema.optional(),
  digestReflection: z
    .boolean()
    .default(false)
    .describe('Also look up the digest of the latest tag and write image references pinned by it.'),
});

export const ImageRefSchema = z.object({
  name: z.string().describe('The image name (the repository).'),
  tag: z.string().describe('The tag chosen.'),
  digest: z.string().optional().describe('sha256:… of the tag, with spec.digestReflection.'),
});

export const ImagePolicyStatusSchema = z.object({
  ...commonStatusFields,
  latestRef: ImageRefSchema.optional().describe('The latest image by the policy.'),
  previousRef: ImageRefSchema.optional().describe('The latest image before the last change.'),
});

const branchField = () => z.string().min(1).max(255);

export const ImageUpdateAutomationSpecSchema = z.object({
  sourceRef: gitRepositoryRefSchema.describe('The GitRepository to commit to.'),
  interval: intervalField().default('5m').describe('How often to look for values to update.'),
  git: z
    .object({
      checkout: z
        .object({ branch: branchField() })
        .optional()
        .describe("The branch to edit; default: the GitRepository's spec.ref.branch."),
      push: z
        .object({ branch: branchField() })
        .optional()
        .describe('The branch to push to; default: the checkout branch.'),
      commit: z.object({
        author: z.object({
          name: z.string().min(1).max(255),
          email: z.string().min(3).max(255),
        }),
        messageTemplate: z
          .string()
          .max(8192)
          .optional()
          .describe(
            'Commit message; {{changes}} lists each image and file, {{automation}} names this.',
          ),
        signingKey: secretRefSchema
          .optional()
          .describe(
            'A Secret with the key commits are signed with: `identity` (SSH) or `git.asc` (OpenPGP, optional `passphrase`).',
          ),
      }),
    })
    .describe('Where and how to commit.'),
  update: z
    .object({
      path: z.string().max(1024).default('./').describe('Directory of the repository to update.'),
      strategy: z.enum(['Setters']).default('Setters'),
    })
    .default({ path: './', strategy: 'Setters' }),
  suspend: z.boolean().default(false).describe('Stop updating while true.'),
});

export const ImageUpdateAutomationStatusSchema = z.object({
  ...commonStatusFields,
  lastAutomationRunTime: timestampField().optional(),
  lastPushCommit: z.string().optional().describe('The last commit pushed.'),
  lastPushTime: timestampField().optional(),
});

export type ImageRepositorySpec = z.output<typeof ImageRepositorySpecSchema>;
export type ImageRepositorySpecInput = z.input<typeof ImageRepositorySpecSchema>;
export type ImageRepositoryStatus = z.output<typeof ImageRepositoryStatusSchema>;
export type ImagePolicySpec = z.output<typeof ImagePolicySpecSchema>;
export type ImagePolicySpecInput = z.input<typeof ImagePolicySpecSchema>;
export type ImagePolicyStatus = z.output<typeof ImagePolicyStatusSchema>;
export type ImagePolicyChoice = z.output<typeof ImagePolicyChoiceSchema>;
export type FilterTags = z.output<typeof FilterTagsSchema>;
export type ImageRef = z.output<typeof ImageRefSchema>;
export type ImageUpdateAutomationSpec = z.output<typeof ImageUpdateAutomationSpecSchema>;
export type ImageUpdateAutomationSpecInput = z.input<typeof ImageUpdateAutomationSpecSchema>;
export type ImageUpdateAutomationStatus = z.output<typeof ImageUpdateAutomationStatusSchema>;
