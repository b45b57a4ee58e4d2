// Sync fields for pinning and automatic rollback (ADR 0019): `spec.pin`, `status.rolledBack`.
import { z } from 'zod';
import { timestampField } from './fields.ts';

const REVISION = /^([^@\s]+@)?(sha1:)?[0-9a-f]{40}$/;

export const PinSchema = z
  .object({
    revision: z
      .string()
      .regex(REVISION, { error: 'must be a full commit sha or a revision such as main@sha1:<sha>' })
      .describe(
        'The commit to apply instead of the newest one of the source: `main@sha1:<sha>` or a sha.',
      ),
    reason: z.string().max(1024).optional().describe('Why, for people reading the Sync.'),
  })
  .describe('Apply this revision, not the newest of the source, until the pin is removed.');

export const RolledBackSchema = z
  .object({
    from: z.string().min(1).describe('The revision that failed its health checks.'),
    to: z.string().min(1).describe('The last healthy revision, applied again instead.'),
    at: timestampField().describe('When the rollback began.'),
    reason: z.string().optional().describe('The health failure that caused it.'),
  })
  .describe(
    'spec.rollback.onHealthFailure re-applied the last healthy revision; cleared when the source moves on.',
  );

export type Pin = z.output<typeof PinSchema>;
export type RolledBack = z.output<typeof RolledBackSchema>;
