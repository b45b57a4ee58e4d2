// Field schemas shared by every resource: durations, names, references, timestamps, conditions.
// Each becomes both zod validation and (through crd.ts) the OpenAPI the API server enforces.
import { z } from 'zod';
import { ConditionStatuses } from '../core/index.ts';
import {
  DURATION_PATTERN,
  MIN_INTERVAL_MS,
  formatDuration,
  safeParseDuration,
} from './duration.ts';

/** A Go duration such as `1m30s`; the same pattern is in the CRD. */
export const durationField = () =>
  z.string().regex(new RegExp(DURATION_PATTERN, 'u'), {
    message: 'must be a Go duration such as 30s, 5m or 1h30m',
  });

const minIntervalMessage = `must be at least ${formatDuration(MIN_INTERVAL_MS)}`;

/** A Go duration of at least MIN_INTERVAL_MS: checked by zod and, as a CEL rule, by the API server. */
export const intervalField = () =>
  durationField()
    .refine(
      (text) => {
        const parsed = safeParseDuration(text);
        // Text that is no duration is reported by the pattern, once.
        return !parsed.ok || parsed.value >= MIN_INTERVAL_MS;
      },
      { message: minIntervalMessage },
    )
    .meta({
      'x-kubernetes-validations': [
        {
          rule: `duration(self) >= duration('${formatDuration(MIN_INTERVAL_MS)}')`,
          message: minIntervalMessage,
        },
      ],
    });

const positiveMessage = 'must be more than 0s';

/** A Go duration above zero (a limit of 0 fails every operation): zod and a CEL rule agree. */
export const positiveDurationField = () =>
  durationField()
    .refine(
      (text) => {
        const parsed = safeParseDuration(text);
        return !parsed.ok || parsed.value > 0;
      },
      { message: positiveMessage },
    )
    .meta({
      'x-kubernetes-validations': [
        { rule: "duration(self) > duration('0s')", message: positiveMessage },
      ],
    });

/** A Kubernetes object name (DNS subdomain, as the API server checks names). */
export const nameField = () =>
  z
    .string()
    .min(1)
    .max(253)
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
      message: 'must be a lowercase DNS name (a-z, 0-9, "-", ".")',
    });

/** A namespace name (DNS label). */
export const namespaceField = () =>
  z
    .string()
    .min(1)
    .max(63)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
      message: 'must be a lowercase DNS label (a-z, 0-9, "-")',
    });

/** An RFC 3339 timestamp, as metav1.Time serializes. */
export const timestampField = () => z.iso.datetime({ offset: true });

/** A counter or generation: a non-negative integer. */
export const countField = () => z.int().min(0);

/** A reference to a Secret in the same namespace. */
export const secretRefSchema = z
  .object({ name: nameField().describe('Name of a Secret in the same namespace.') })
  .describe('A Secret in the same namespace.');

export const conditionSchema = z
  .object({
    type: z.string().min(1).max(316).describe('Ready, Reconciling, Stalled, Healthy, InSync, …'),
    status: z.enum([ConditionStatuses.True, ConditionStatuses.False, ConditionStatuses.Unknown]),
    reason: z.string().max(1024).describe('CamelCase reason for the last transition.'),
    message: z.string().max(32768).describe('Human-readable details.'),
    lastTransitionTime: timestampField().describe('When status last changed.'),
    observedGeneration: countField()
      .optional()
      .describe('metadata.generation the condition was set for.'),
  })
  .describe('A metav1.Condition.');

export const conditionsField = () =>
  z.array(conditionSchema).meta({
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  });

/** Fields every Moor status carries. */
export const commonStatusFields = {
  conditions: conditionsField().optional(),
  observedGeneration: countField()
    .optional()
    .describe('The metadata.generation this status was written for.'),
  lastHandledReconcileAt: z
    .string()
    .optional()
    .describe('The last value of the moor.dev/reconcile-requested-at annotation acted on.'),
};

/** A GitRepository, in the referrer's namespace unless `namespace` is set. */
export const gitRepositoryRefSchema = z.object({
  kind: z.enum(['GitRepository']).default('GitRepository'),
  name: nameField(),
  namespace: namespaceField().optional().describe("Defaults to the referrer's namespace."),
});

export type SourceRef = z.output<typeof gitRepositoryRefSchema>;
