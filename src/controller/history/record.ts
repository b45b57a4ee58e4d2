/**
 * A Sync's durable apply history (ADR 0019), pure: one record per apply, newest first, in a ring
 * bounded by count and by encoded size. Each record carries the change to the inventory since the
 * record before it (older), so the objects a revision contained can be rebuilt for any record
 * without storing every inventory whole.
 */

/** At least this many applies per Sync are kept. */
export const HISTORY_RECORDS_LIMIT = 1000;
/** Commit messages are kept to this many characters. */
export const MESSAGE_LIMIT = 256;
/** Per action, at most this many object names are listed (the counts stay exact). */
export const OBJECTS_LISTED_LIMIT = 100;

export type HistoryCommit = {
  /** The commit message's first line (at most MESSAGE_LIMIT characters). */
  readonly message: string;
  /** `Name <email>`. */
  readonly author: string;
  /** The author date (RFC 3339). */
  readonly time?: string;
};

export type HistoryRecord = {
  readonly revision: string;
  readonly commit?: HistoryCommit;
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** Succeeded, Failed, RolledBack, Progressing (health still undecided). */
  readonly result: string;
  /** Healthy, Unhealthy, Progressing, or NotChecked (without spec.wait). */
  readonly health?: string;
  readonly message?: string;
  readonly created: number;
  readonly configured: number;
  readonly deleted: number;
  /** Which objects (`Kind.group/namespace/name`), at most OBJECTS_LISTED_LIMIT per action. */
  readonly objects?: {
    readonly created?: readonly string[];
    readonly configured?: readonly string[];
    readonly deleted?: readonly string[];
  };
  /** Objects in the inventory after this apply and not after the record before (older) it. */
  readonly added?: readonly string[];
  /** Objects in the inventory after the record before it and not after this apply. */
  readonly removed?: readonly string[];
};

/** A record as the shell hands it over: with the whole inventory after the apply. */
export type NewRecord = Omit<HistoryRecord, 'added' | 'removed'> & {
  readonly inventory: readonly string[];
};

export type HistoryRing = { readonly records: readonly HistoryRecord[] };

export const emptyRing: HistoryRing = { records: [] };

const sortedUnique = (ids: readonly string[]): string[] => [...new Set(ids)].sort();

function deltaOf(before: ReadonlySet<string>, after: readonly string[]) {
  const next = new Set(after);
  const added = sortedUnique(after.filter((id) => !before.has(id)));
  const removed = sortedUnique([...before].filter((id) => !next.has(id)));
  return {
    ...(added.length > 0 ? { added } : {}),
    ...(removed.length > 0 ? { removed } : {}),
  };
}

function applyDelta(set: Set<string>, r: HistoryRecord): void {
  for (const id of r.removed ?? []) set.delete(id);
  for (const id of r.added ?? []) set.add(id);
}

/** The inventory after each record, newest first (rebuilt from the oldest record forward). */
export function inventories(ring: HistoryRing): string[][] {
  const set = new Set<string>();
  const out: string[][] = [];
  for (let i = ring.records.length - 1; i >= 0; i--) {
    const r = ring.records[i];
    if (r) applyDelta(set, r);
    out.unshift([...set].sort());
  }
  return out;
}

/** The inventory after the record at `index` (0: newest). */
export function inventoryAt(ring: HistoryRing, index: number): string[] {
  const set = new Set<string>();
  for (let i = ring.records.length - 1; i >= index; i--) {
    const r = ring.records[i];
    if (r) applyDelta(set, r);
  }
  return [...set].sort();
}

type Objects = HistoryRecord['objects'];

/** The objects of an apply completed by a later reconcile: both lists, each capped. */
function mergeObjects(a: Objects, b: Objects): Objects {
  if (!a) return b;
  if (!b) return a;
  const merged: Record<string, string[]> = {};
  for (const action of ['created', 'configured', 'deleted'] as const) {
    const ids = sortedUnique([...(a[action] ?? []), ...(b[action] ?? [])]);
    if (ids.length > 0) merged[action] = ids.slice(0, OBJECTS_LISTED_LIMIT);
  }
  return merged;
}

/** Drops the oldest record; the new oldest then carries the whole inventory as its delta. */
function dropOldest(records: HistoryRecord[]): HistoryRecord[] {
  const ring = { records };
  const last = records.length - 2;
  if (last < 0) return [];
  const whole = inventoryAt(ring, last);
  const kept = records.slice(0, -1);
  const oldest = kept[last];
  if (!oldest) return kept;
  const { added: _a, removed: _r, ...rest } = oldest;
  kept[last] = { ...rest, ...(whole.length > 0 ? { added: whole } : {}) };
  return kept;
}

/**
 * Adds a record: it replaces the newest when that one is the same apply (revision and start;
 * a Progressing entry completed by a later reconcile), else it goes first. Then the oldest go
 * while there are more than `limit`.
 */
export function appendRecord(
  ring: HistoryRing,
  record: NewRecord,
  limit = HISTORY_RECORDS_LIMIT,
): HistoryRing {
  const { inventory, ...fields } = record;
  const newest = ring.records[0];
  const replaces = newest?.revision === record.revision && newest.startedAt === record.startedAt;
  const older = replaces ? ring.records.slice(1) : [...ring.records];
  const before = new Set(older.length > 0 ? inventoryAt({ records: older }, 0) : []);
  const objects = replaces ? mergeObjects(newest.objects, fields.objects) : fields.objects;
  // A revision applied again (a pin, a rollback) without its commit: as recorded before.
  const commit = fields.commit ?? older.find((r) => r.revision === record.revision)?.commit;
  const entry = {
    ...fields,
    ...(commit ? { commit } : {}),
    ...(objects ? { objects } : {}),
    ...deltaOf(before, inventory),
  };
  let records: HistoryRecord[] = [entry, ...older];
  while (records.length > limit) records = dropOldest(records);
  return { records };
}

/** Drops the oldest record (to make the encoded ring fit). */
export function withoutOldest(ring: HistoryRing): HistoryRing {
  return { records: dropOldest([...ring.records]) };
}

/**
 * The apply in effect at `at`: the newest record started at or before it whose revision was
 * applied (a failed apply has no health outcome and left the revision before it in place).
 */
export function recordAt(
  ring: HistoryRing,
  at: Date,
): { record: HistoryRecord; index: number; inventory: string[] } | undefined {
  const t = at.getTime();
  const index = ring.records.findIndex(
    (r) => r.health !== undefined && Date.parse(r.startedAt) <= t,
  );
  const record = ring.records[index];
  if (index < 0 || !record) return undefined;
  return { record, index, inventory: inventoryAt(ring, index) };
}

/** The newest record of a revision that converged healthy, other than `except`. */
export function lastHealthy(ring: HistoryRing, except?: string): HistoryRecord | undefined {
  return ring.records.find(
    (r) => r.result === 'Succeeded' && r.health !== 'Unhealthy' && r.revision !== except,
  );
}
