// GitRepository: where desired state comes from (DESIGN.md "Resources").
import semver from 'semver';
import { z } from 'zod';
import {
  commonStatusFields,
  intervalField,
  positiveDurationField,
  secretRefSchema,
  timestampField,
} from './fields.ts';

/** The URL forms a GitRepository can fetch (source/url.ts decides file:// at fetch time). */
const GIT_URL_PATTERN = /^((https?|ssh|file):\/\/\S+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\S*)$/;

const GIT_URL_FORMS = 'https://, http://, ssh://, file:// or git@host:path';

function gitUrlMessage(input: unknown): string {
  const scheme = typeof input === 'string' ? /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(input) : null;
  return scheme
    ? `unsupported scheme ${scheme[1]}: (expected ${GIT_URL_FORMS})`
    : `is not a URL (expected ${GIT_URL_FORMS.replace('https://, http://', 'http(s)://')})`;
}

/**
 * Credentials in the URL: a password in any scheme's userinfo (`user:pass@`), and for http(s) any
 * userinfo at all (a token in the user's place). They belong in a Secret (spec.secretRef); in the
 * URL they would be readable by anyone who can read the GitRepository. The same regular
 * expression is the API server's CEL rule (RE2) and zod's check.
 */
const URL_CREDENTIALS = String.raw`^(https?://[^/?#@]*@|[a-z][a-z0-9+.-]*://[^/?#@]*:[^/?#@]*@)`;

/** The message for a URL with credentials; it never repeats the URL. */
export const URL_CREDENTIALS_MESSAGE =
  'must not carry credentials (user:password@ or a token@ before the host): put them in a Secret and name it in spec.secretRef';

const REF_KEYS = ['branch', 'tag', 'semver', 'commit'] as const;

/** The API server's copy of the exactly-one rule (zod checks the same in `refineGitRef`). */
const EXACTLY_ONE_REF_RULE = `[${REF_KEYS.map((k) => `has(self.${k})`).join(', ')}].filter(x, x).size() == 1`;

export const GitRefSchema = z
  .object({
    branch: z.string().min(1).max(255).optional().describe('Follow the head of this branch.'),
    tag: z.string().min(1).max(255).optional().describe('Check out this tag.'),
    semver: z
      .string()
      .min(1)
      .max(255)
      .refine((range) => semver.validRange(range) !== null, {
        message: 'must be a semver range such as ">=1.2.0 <2" or "1.x"',
      })
      .optional()
      .describe('The highest tag matching this semver range.'),
    commit: z
      .string()
      .regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/, { message: 'must be a full commit hash' })
      .optional()
      .describe('Exactly this commit (full hash).'),
  })
  .superRefine((ref, ctx) => {
    const set = REF_KEYS.filter((k) => ref[k] !== undefined);
    if (set.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `must set exactly one of branch, tag, semver, commit (got ${set.length === 0 ? 'none' : set.join(', ')})`,
      });
    }
  })
  .meta({
    description: 'What to check out: exactly one of branch, tag, semver, commit.',
    'x-kubernetes-validations': [
      {
        rule: EXACTLY_ONE_REF_RULE,
        message: 'must set exactly one of branch, tag, semver, commit',
      },
    ],
  });

export const GitRepositorySpecSchema = z
  .object({
    url: z
      .string()
      .min(1)
      .max(2048)
      .regex(GIT_URL_PATTERN, { error: (issue) => gitUrlMessage(issue.input) })
      .refine((url) => !new RegExp(URL_CREDENTIALS).test(url), { message: URL_CREDENTIALS_MESSAGE })
      .describe(
        'https://, http://, ssh://, git@host:path, or file:// (only with --allow-file-urls); no credentials (spec.secretRef holds them).',
      ),
    ref: GitRefSchema,
    interval: intervalField()
      .default('1m')
      .describe('How often to look for a new revision. At least 1s.'),
    timeout: positiveDurationField().default('60s').describe('Limit for one Git operation.'),
    secretRef: secretRefSchema
      .optional()
      .describe('Credentials: keys username/password, bearerToken, or identity/known_hosts.'),
    ignore: z
      .string()
      .optional()
      .describe('Paths to leave out of the artifact, in .gitignore syntax.'),
    suspend: z.boolean().default(false).describe('Stop fetching while true.'),
  })
  .meta({
    // On the object, reported at spec.url: a rule on the string itself would make the API
    // server repeat the value (the password) in its answer.
    'x-kubernetes-validations': [
      {
        rule: `!self.url.matches('${URL_CREDENTIALS}')`,
        message: URL_CREDENTIALS_MESSAGE,
        fieldPath: '.url',
      },
    ],
  });

export const ArtifactSchema = z
  .object({
    revision: z.string().min(1).describe('<ref>@sha1:<full commit hash>'),
    digest: z.string().min(1).describe('<algorithm>:<hex> of the artifact content.'),
    url: z.string().optional().describe('Where the operator serves the artifact, if it does.'),
    lastUpdateTime: timestampField().describe('When this artifact was produced.'),
  })
  .describe('The last artifact fetched.');

export const GitRepositoryStatusSchema = z.object({
  ...commonStatusFields,
  artifact: ArtifactSchema.optional(),
});

export type GitRef = z.output<typeof GitRefSchema>;
export type GitRepositorySpec = z.output<typeof GitRepositorySpecSchema>;
export type GitRepositorySpecInput = z.input<typeof GitRepositorySpecSchema>;
export type GitRepositoryStatus = z.output<typeof GitRepositoryStatusSchema>;
export type Artifact = z.output<typeof ArtifactSchema>;
