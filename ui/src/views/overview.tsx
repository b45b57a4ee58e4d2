// Every GitRepository and Sync with Ready / InSync / Healthy, revision, message, age and drift;
// counts per state that filter, and a search. Filter and search live in the URL.
import { useMemo } from 'preact/hooks';
import type { SourceSummary, SyncSummary } from '../../../src/server/dashboard/types.ts';
import { age, Badge } from '../format.tsx';
import { setParams, syncHref } from '../router.ts';
import type { Snapshot } from '../store.ts';
import { VirtualList } from '../virtual-list.tsx';

const STATES = {
  all: { label: 'All', test: () => true },
  ready: { label: 'Ready', test: (s: SyncSummary) => s.ready === 'True' },
  notReady: { label: 'Not ready', test: (s: SyncSummary) => s.ready !== 'True' },
  outOfSync: { label: 'Out of sync', test: (s: SyncSummary) => s.inSync === 'False' },
  unhealthy: { label: 'Unhealthy', test: (s: SyncSummary) => s.healthy === 'False' },
  drifted: { label: 'Drifted', test: (s: SyncSummary) => s.driftCount > 0 },
  suspended: { label: 'Suspended', test: (s: SyncSummary) => s.suspended },
} as const;
type State = keyof typeof STATES;

function matches(s: { namespace: string; name: string; message: string }, q: string): boolean {
  if (!q) return true;
  const needle = q.toLowerCase();
  return (
    s.name.toLowerCase().includes(needle) ||
    s.namespace.toLowerCase().includes(needle) ||
    s.message.toLowerCase().includes(needle)
  );
}

function SyncRow(props: { readonly s: SyncSummary; readonly now: number }) {
  const { s } = props;
  return (
    <>
      <span role="cell" class="c-name">
        <a href={syncHref(s.namespace, s.name)} tabIndex={-1}>
          {s.name}
        </a>
        <small>{s.namespace}</small>
      </span>
      <span role="cell" class="c-b">
        <Badge label="Ready" value={s.ready} />
      </span>
      <span role="cell" class="c-b">
        <Badge label="InSync" value={s.inSync} />
      </span>
      <span role="cell" class="c-b">
        <Badge label="Healthy" value={s.healthy} />
      </span>
      <span role="cell" class="c-rev">
        <code title={s.revisionFull}>{s.revision || '–'}</code>
      </span>
      <span role="cell" class="c-drift" data-drift={s.driftCount}>
        {s.driftCount > 0 ? `${s.driftCount} drifted` : ''}
      </span>
      <span role="cell" class="c-msg" title={s.message}>
        {s.suspended ? '(suspended) ' : ''}
        {s.message}
      </span>
      <span role="cell" class="c-age">
        {age(s.since, props.now)}
      </span>
    </>
  );
}

function Sources(props: { readonly items: readonly SourceSummary[]; readonly now: number }) {
  if (props.items.length === 0) return null;
  return (
    <section aria-labelledby="h-sources">
      <h2 id="h-sources">GitRepositories ({props.items.length})</h2>
      <VirtualList
        label="GitRepositories"
        items={props.items}
        rowHeight={34}
        height={`${Math.min(props.items.length, 6) * 34 + 2}px`}
        keyOf={(s) => `${s.namespace}/${s.name}`}
        row={(s) => (
          <>
            <span role="cell" class="c-name">
              {s.name}
              <small>{s.namespace}</small>
            </span>
            <span role="cell" class="c-b">
              <Badge label="Ready" value={s.ready} />
            </span>
            <span role="cell" class="c-rev">
              <code title={s.revisionFull}>{s.revision || '–'}</code>
            </span>
            <span role="cell" class="c-msg" title={s.url}>
              {s.message || s.url}
            </span>
            <span role="cell" class="c-age">
              {age(s.since, props.now)}
            </span>
          </>
        )}
      />
    </section>
  );
}

export function Overview(props: { readonly snap: Snapshot; readonly params: URLSearchParams }) {
  const { snap, params } = props;
  const q = params.get('q') ?? '';
  const state = (params.get('state') ?? 'all') as State;
  const test = (STATES[state] ?? STATES.all).test;
  const now = Date.now();
  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const [k, v] of Object.entries(STATES)) c[k] = snap.syncs.filter(v.test).length;
    return c;
  }, [snap.syncs]);
  const shown = useMemo(
    () =>
      snap.syncs
        .filter((s) => test(s) && matches(s, q))
        .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name)),
    [snap.syncs, q, state],
  );
  const sources = snap.sources.filter((s) => matches(s, q));
  const set = (k: string, v: string, replace: boolean) => {
    const next = new URLSearchParams(params);
    if (v && v !== 'all') next.set(k, v);
    else next.delete(k);
    setParams('/', next, replace);
  };
  return (
    <main aria-labelledby="h-overview">
      <h1 id="h-overview">Overview</h1>
      <div class="toolbar">
        <div role="group" aria-label="Filter by state" class="chips">
          {Object.entries(STATES).map(([k, v]) => (
            <button
              type="button"
              aria-pressed={state === k}
              data-state={k}
              onClick={() => set('state', k, false)}
            >
              {v.label} <span class="count">{counts[k]}</span>
            </button>
          ))}
        </div>
        <label class="search">
          <span class="sr-only">Search</span>
          <input
            type="search"
            placeholder="Search name, namespace, message"
            value={q}
            onInput={(e) => set('q', e.currentTarget.value, true)}
          />
        </label>
      </div>
      <Sources items={sources} now={now} />
      <section aria-labelledby="h-syncs">
        <h2 id="h-syncs">
          Syncs ({shown.length}
          {shown.length === snap.syncs.length ? '' : ` of ${snap.syncs.length}`})
        </h2>
        {snap.loaded && snap.syncs.length === 0 ? <p>No Syncs.</p> : null}
        <VirtualList
          label="Syncs"
          items={shown}
          rowHeight={36}
          height="calc(100vh - 300px)"
          keyOf={(s) => `${s.namespace}/${s.name}`}
          onActivate={(s) => (location.hash = syncHref(s.namespace, s.name))}
          header={
            <div role="row" class="vhead" aria-rowindex={1}>
              <span role="columnheader" class="c-name">
                Sync
              </span>
              <span role="columnheader" class="c-b">
                Ready
              </span>
              <span role="columnheader" class="c-b">
                In sync
              </span>
              <span role="columnheader" class="c-b">
                Healthy
              </span>
              <span role="columnheader" class="c-rev">
                Revision
              </span>
              <span role="columnheader" class="c-drift">
                Drift
              </span>
              <span role="columnheader" class="c-msg">
                Message
              </span>
              <span role="columnheader" class="c-age">
                Age
              </span>
            </div>
          }
          row={(s) => <SyncRow s={s} now={now} />}
        />
      </section>
    </main>
  );
}
