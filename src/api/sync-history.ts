// SyncHistory: a Sync's durable apply history (ADR 0019, moved out of a ConfigMap by ADR 0032).
// One per Sync, of the same name, owned by it; written by the operator only. The ring is one
// string (base64 of the gzipped JSON), so the schema stays small and structural however many
// records it holds.
import { z } from 'zod';
import { Kinds } from '../core/index.ts';
import { commonStatusFields } from './fields.ts';
import type { ResourceDefinition } from './resource.ts';

/** Base64 of at most 700 KiB (the ring's encoded limit), with room to spare. */
export const HISTORY_RING_MAX_LENGTH = 1_000_000;

export const SyncHistorySpecSchema = z.object({
  syncName: z.string().min(1).max(253).describe('The Sync whose applies this records.'),
  records: z.int().min(0).describe('How many applies the ring holds.'),
  ring: z
    .string()
    .max(HISTORY_RING_MAX_LENGTH)
    .describe('The records, newest first: gzipped JSON in base64 (ADR 0019).'),
});

/** Unused so far; shaped like every Moor resource's status. */
export const SyncHistoryStatusSchema = z.object({ ...commonStatusFields });

export const syncHistoryDefinition = {
  kind: Kinds.SyncHistory,
  plural: 'synchistories',
  singular: 'synchistory',
  shortNames: [],
  description: "A Sync's apply history, written by the operator (read it with `moor history`).",
  spec: SyncHistorySpecSchema,
  status: SyncHistoryStatusSchema,
  printerColumns: [
    { name: 'Sync', type: 'string', jsonPath: '.spec.syncName' },
    { name: 'Records', type: 'integer', jsonPath: '.spec.records' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
} as const satisfies ResourceDefinition;

export type SyncHistorySpec = z.output<typeof SyncHistorySpecSchema>;
