// What the overview shows, kept current by the stream: one map per kind, changed in place as
// messages arrive and redrawn at most once per animation frame however many arrive.
import { useEffect, useState } from 'preact/hooks';
import type {
  EventRow,
  SourceSummary,
  StreamMessage,
  SyncSummary,
} from '../../src/server/dashboard/types.ts';
import { follow, getJson } from './api.ts';

const keyOf = (r: { namespace: string; name: string }) => `${r.namespace}/${r.name}`;
const MAX_LIVE_EVENTS = 500;

export type Snapshot = {
  readonly syncs: readonly SyncSummary[];
  readonly sources: readonly SourceSummary[];
  readonly events: readonly EventRow[];
  readonly connected: boolean;
  readonly loaded: boolean;
  /** Why the stream was ended by the server (the token no longer valid); '' while it is not. */
  readonly denied: string;
  /** Bumped on every change of one Sync, by key. */
  readonly touched: ReadonlyMap<string, number>;
};

type Listener = (s: Snapshot) => void;

export function createStore() {
  const syncs = new Map<string, SyncSummary>();
  const sources = new Map<string, SourceSummary>();
  const touched = new Map<string, number>();
  let events: EventRow[] = [];
  let connected = false;
  let loaded = false;
  let denied = '';
  let snapshot: Snapshot | undefined;
  let frame = 0;
  const listeners = new Set<Listener>();

  const build = (): Snapshot =>
    (snapshot ??= {
      syncs: [...syncs.values()],
      sources: [...sources.values()],
      events,
      connected,
      loaded,
      denied,
      touched: new Map(touched),
    });
  const changed = (): void => {
    snapshot = undefined;
    if (frame !== 0) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      const s = build();
      for (const l of listeners) l(s);
    });
  };
  const apply = (m: StreamMessage): void => {
    switch (m.event) {
      case 'sync':
        syncs.set(keyOf(m.data), m.data);
        touched.set(keyOf(m.data), (touched.get(keyOf(m.data)) ?? 0) + 1);
        break;
      case 'sync-deleted':
        syncs.delete(keyOf(m.data));
        break;
      case 'source':
        sources.set(keyOf(m.data), m.data);
        break;
      case 'source-deleted':
        sources.delete(keyOf(m.data));
        break;
      case 'event':
        events = [m.data, ...events].slice(0, MAX_LIVE_EVENTS);
        break;
      case 'denied':
        denied = m.data.error;
        break;
    }
    changed();
  };

  return {
    async start(signal: AbortSignal): Promise<void> {
      void follow(
        apply,
        (up) => {
          connected = up;
          changed();
        },
        signal,
      );
      // Page by page, each drawn as it comes; what the stream delivered meanwhile is newer: kept.
      await Promise.all([
        readPages<SyncSummary>('/syncs', signal, (items) => {
          for (const item of items) if (!syncs.has(keyOf(item))) syncs.set(keyOf(item), item);
          changed();
        }),
        readPages<SourceSummary>('/gitrepositories', signal, (items) => {
          for (const item of items) if (!sources.has(keyOf(item))) sources.set(keyOf(item), item);
          changed();
        }),
      ]);
      loaded = true;
      changed();
    },
    subscribe(listener: Listener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snapshot: build,
  };
}

const PAGE = 2000;

async function readPages<T>(path: string, signal: AbortSignal, take: (items: T[]) => void) {
  let from: string | undefined = '0';
  for (let pages = 0; from !== undefined && pages < 1000; pages++) {
    const page: { items: T[]; continue?: string } = await getJson(
      `${path}?limit=${PAGE}&continue=${from}`,
      signal,
    );
    take(page.items);
    from = page.continue;
  }
}

export type Store = ReturnType<typeof createStore>;

export function useStore(store: Store): Snapshot {
  const [s, set] = useState(store.snapshot());
  useEffect(() => store.subscribe(set), [store]);
  return s;
}
