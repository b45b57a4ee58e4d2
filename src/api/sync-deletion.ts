// Sync `spec.deletionPolicy`: what deleting a Sync does to the objects it applied (ADR 0026).
import { z } from 'zod';

export const DeletionPolicies = { Delete: 'Delete', Orphan: 'Orphan' } as const;
export type DeletionPolicy = (typeof DeletionPolicies)[keyof typeof DeletionPolicies];

export const DeletionPolicySchema = z
  .enum([DeletionPolicies.Delete, DeletionPolicies.Orphan])
  .default(DeletionPolicies.Delete)
  .describe(
    'Delete: deleting the Sync deletes what it applied; Orphan: leaves it, without the moor.dev/sync-* labels.',
  );
