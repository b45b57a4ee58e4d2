/**
 * The dashboard's JSON API (`/api/v1/`): the shapes it answers with (the browser imports these
 * types too) and what the server is given to answer from (the operator's caches, its Kubernetes
 * client's reviews). No values of Secrets ever appear in any of them.
 */
import type { KubeObject, Result } from '../../core/index.ts';

/** A condition's status as the API reports it; `Unknown` also when the condition is missing. */
export type Tri = 'True' | 'False' | 'Unknown';

export type SourceSummary = {
  readonly namespace: string;
  readonly name: string;
  readonly url: string;
  readonly ready: Tri;
  readonly suspended: boolean;
  /** Short commit sha of the last artifact; '' when none. */
  readonly revision: string;
  readonly revisionFull: string;
  readonly message: string;
  /** When the last artifact was produced (ISO), else when the resource was created. */
  readonly since: string;
};

export type SyncSummary = {
  readonly namespace: string;
  readonly name: string;
  /** `GitRepository/ns/name`. */
  readonly source: string;
  readonly path: string;
  readonly ready: Tri;
  readonly inSync: Tri;
  readonly healthy: Tri;
  readonly reconciling: boolean;
  readonly suspended: boolean;
  readonly driftMode: string;
  readonly revision: string;
  readonly revisionFull: string;
  readonly message: string;
  /** When Ready last changed (ISO), else when the resource was created. */
  readonly since: string;
  /** Objects that differ from Git. */
  readonly driftCount: number;
  readonly objectCount: number;
  /** `spec.pin.revision` (a rollback without Git); '' when not pinned. */
  readonly pinned: string;
};

export type DriftFieldView = {
  readonly path: string;
  readonly manager?: string | undefined;
  readonly since?: string | undefined;
  readonly desired?: string | undefined;
  readonly live?: string | undefined;
};

/** One node of a Sync's object tree: an inventory entry, or an object owned by one (depth > 0). */
export type ObjectNode = {
  /** `group/kind/namespace/name`; unique within the Sync. */
  readonly id: string;
  /** The owner's id; undefined for inventory entries. */
  readonly parent?: string | undefined;
  readonly depth: number;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** kstatus: Current, InProgress, Failed, Terminating, Unknown; `Missing` when not live. */
  readonly health: string;
  readonly healthMessage: string;
  readonly drifted: boolean;
  readonly deleted: boolean;
  readonly drift: readonly DriftFieldView[];
};

/** One apply of the Sync's history (`status.history`, newest first). */
export type HistoryRow = {
  readonly revision: string;
  readonly revisionFull: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly result: string;
  readonly message: string;
  readonly created: number;
  readonly configured: number;
  readonly deleted: number;
  readonly durationMs?: number | undefined;
};

export type SyncDetail = {
  readonly summary: SyncSummary;
  readonly conditions: readonly {
    type: string;
    status: string;
    reason: string;
    message: string;
    lastTransitionTime: string;
  }[];
  readonly driftSince?: string | undefined;
  readonly objects: readonly ObjectNode[];
  readonly history: readonly HistoryRow[];
  /** The caller may request a reconcile (SubjectAccessReview: patch on this Sync). */
  readonly canReconcile: boolean;
  /** This operator is a standby (`--leader-elect`): it answers reads and refuses writes. */
  readonly standby: boolean;
};

export type ObjectView = {
  readonly id: string;
  /** The live object as YAML, managedFields left out; Secret values masked. */
  readonly yaml: string;
  /** managedFields as YAML, shown folded. */
  readonly managedFields: string;
  readonly drift: readonly DriftFieldView[];
};

export type EventRow = {
  readonly time: string;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  /** `Kind/ns/name` of the object the event is about. */
  readonly subject: string;
  readonly namespace: string;
  readonly count: number;
};

/** What the stream (`/api/v1/stream`) sends: one JSON object per SSE message, named by `event`. */
export type StreamMessage =
  | { readonly event: 'sync'; readonly data: SyncSummary }
  | { readonly event: 'sync-deleted'; readonly data: { namespace: string; name: string } }
  | { readonly event: 'source'; readonly data: SourceSummary }
  | { readonly event: 'source-deleted'; readonly data: { namespace: string; name: string } }
  | { readonly event: 'event'; readonly data: EventRow }
  /** The token is no longer valid; the stream ends after this. */
  | { readonly event: 'denied'; readonly data: { error: string } };

export type WhoAmI = {
  readonly user: string;
  readonly insecureLocal: boolean;
  /** This operator is a standby (`--leader-elect`): reads work, writes are refused. */
  readonly standby: boolean;
};

/** One entry of the durable history, as the diff names it. */
export type HistoryEntryView = {
  readonly revision: string;
  readonly revisionFull: string;
  readonly startedAt: string;
  readonly result: string;
  readonly author: string;
  readonly message: string;
};

/** The delta between two history entries (`/history/diff?from=&to=`), older → newer. */
export type HistoryDiffView = {
  readonly from: HistoryEntryView;
  readonly to: HistoryEntryView;
  /** `Kind.group/namespace/name` of objects in the newer inventory and not the older. */
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** In both, and configured by an apply in between. */
  readonly changed: readonly string[];
  /** False when an apply changed more objects than its record lists. */
  readonly changedComplete: boolean;
  readonly applies: number;
};

export type PreviewFieldView = {
  readonly path: string;
  readonly before?: string | undefined;
  readonly after?: string | undefined;
  readonly masked?: boolean | undefined;
};

export type PreviewObjectView = {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly fields?: readonly PreviewFieldView[] | undefined;
  /** For an object the server refused. */
  readonly message?: string | undefined;
};

/** `moor diff --ref`'s answer: what the ref would change live (Secret values masked). */
export type PreviewView = {
  readonly revision: string;
  readonly create: readonly PreviewObjectView[];
  readonly change: readonly PreviewObjectView[];
  readonly prune: readonly PreviewObjectView[];
  readonly unchanged: number;
  readonly failed: readonly PreviewObjectView[];
};

/** Why a dashboard action failed: its HTTP status follows from the code. */
export type ActionFailure = {
  readonly code: 'NotFound' | 'Invalid' | 'Conflict' | 'Standby' | 'Busy' | 'Failed';
  readonly message: string;
};

/** What the write buttons and the diff and preview views ask the operator to do. */
export type DashboardActions = {
  /** Whether this operator may write now; a standby refuses every write. */
  standby(): boolean;
  /** `moor suspend sync` (true) / `moor resume sync` (false). */
  setSuspended(
    namespace: string,
    name: string,
    suspend: boolean,
    signal: AbortSignal,
  ): Promise<Result<void, ActionFailure>>;
  /** `moor rollback sync --pin --to` the revision of the history entry started at `startedAt`. */
  rollbackTo(
    target: { namespace: string; name: string; startedAt: string; by: string },
    signal: AbortSignal,
  ): Promise<Result<string, ActionFailure>>;
  /** `moor rollback sync --unpin`. */
  unpin(namespace: string, name: string, signal: AbortSignal): Promise<Result<void, ActionFailure>>;
  historyDiff(
    target: { namespace: string; name: string; from: string; to: string },
    signal: AbortSignal,
  ): Promise<Result<HistoryDiffView, ActionFailure>>;
  /** `moor diff sync --ref`: nothing is written. */
  preview(
    target: { namespace: string; name: string; ref: string },
    signal: AbortSignal,
  ): Promise<Result<PreviewView, ActionFailure>>;
};

/** A change in the operator's caches the stream tells about. */
export type DashboardChange =
  | {
      readonly kind: 'Sync' | 'GitRepository';
      readonly type: 'upsert' | 'deleted';
      readonly obj: KubeObject;
    }
  | { readonly kind: 'Event'; readonly row: EventRow };

/** An object of a Sync's tree named in a request. */
export type ObjectKey = {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
};

/** What the dashboard reads and does, given by the composition root. */
export type DashboardData = {
  sources(): KubeObject[];
  syncs(): KubeObject[];
  sync(namespace: string, name: string): KubeObject | undefined;
  /** The Sync's object tree: inventory entries with their health and drift, and what they own. */
  objects(sync: KubeObject, signal: AbortSignal): Promise<ObjectNode[]>;
  /** A live object of the Sync's tree; undefined when not live (or not the Sync's). */
  object(sync: KubeObject, key: ObjectKey, signal: AbortSignal): Promise<KubeObject | undefined>;
  /** Recent events about Moor's resources, newest first. */
  events(namespace: string | undefined, limit: number, signal: AbortSignal): Promise<EventRow[]>;
  onChange(listener: (change: DashboardChange) => void): () => void;
  /** The resource (group, plural) of a kind, for the SubjectAccessReview of reading its objects. */
  resourceOf: ResourceOf;
  /** The writes and the history diff and preview. */
  readonly actions: DashboardActions;
  /** What `moor reconcile sync` does: sets the reconcile annotation; resolves to its value. */
  requestReconcile(
    namespace: string,
    name: string,
    signal: AbortSignal,
  ): Promise<Result<string, Error>>;
};

export type Identity = { readonly user: string; readonly groups: readonly string[] };

/** One SubjectAccessReview question: may `identity` `verb` `resource` (in `namespace`)? */
export type AccessQuestion = {
  readonly verb: 'get' | 'list' | 'watch' | 'patch';
  readonly group: string;
  readonly resource: string;
  /** Omitted: across all namespaces. */
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
};

/** The API server's reviews, through the Kubernetes client. */
export type DashboardReviews = {
  /** TokenReview: who the bearer token belongs to; undefined when the API server refuses it. */
  reviewToken(token: string, signal: AbortSignal): Promise<Result<Identity | undefined, Error>>;
  /** SubjectAccessReview. */
  reviewAccess(
    who: Identity,
    question: AccessQuestion,
    signal: AbortSignal,
  ): Promise<Result<boolean, Error>>;
};

/** Where a kind's objects are, for the SubjectAccessReview of a read. */
export type ResourceOf = (
  apiVersion: string,
  kind: string,
  signal: AbortSignal,
) => Promise<{ group: string; resource: string } | undefined>;
