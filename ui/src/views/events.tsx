// Recent events about Moor's resources, newest first; new ones arrive over the stream.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { EventRow } from '../../../src/server/dashboard/types.ts';
import { getJson } from '../api.ts';
import { age } from '../format.tsx';
import { VirtualList } from '../virtual-list.tsx';

export function EventsView(props: { readonly live: readonly EventRow[] }) {
  const [listed, setListed] = useState<EventRow[] | string>([]);
  useEffect(() => {
    const ctl = new AbortController();
    getJson<{ items: EventRow[] }>('/events', ctl.signal).then(
      (r) => setListed(r.items),
      (e: Error) => !ctl.signal.aborted && setListed(e.message),
    );
    return () => ctl.abort();
  }, []);
  const rows = useMemo(() => {
    const base = typeof listed === 'string' ? [] : listed;
    const seen = new Set(base.map((e) => `${e.subject}|${e.reason}|${e.message}`));
    const fresh = props.live.filter((e) => !seen.has(`${e.subject}|${e.reason}|${e.message}`));
    return [...fresh, ...base];
  }, [listed, props.live]);
  return (
    <main aria-labelledby="h-events">
      <h1 id="h-events">Events</h1>
      {typeof listed === 'string' ? <p role="alert">{listed}</p> : null}
      <VirtualList
        label="Events"
        items={rows}
        rowHeight={34}
        height="calc(100vh - 180px)"
        keyOf={(e) => `${e.time}|${e.subject}|${e.reason}|${e.message}`}
        header={
          <div role="row" class="vhead" aria-rowindex={1}>
            <span role="columnheader" class="c-age">
              Age
            </span>
            <span role="columnheader" class="c-type">
              Type
            </span>
            <span role="columnheader" class="c-reason">
              Reason
            </span>
            <span role="columnheader" class="c-subj">
              Object
            </span>
            <span role="columnheader" class="c-msg">
              Message
            </span>
          </div>
        }
        row={(e) => (
          <>
            <span role="cell" class="c-age" title={e.time}>
              {age(e.time)}
            </span>
            <span role="cell" class={`c-type t-${e.type.toLowerCase()}`}>
              {e.type}
            </span>
            <span role="cell" class="c-reason">
              {e.reason}
            </span>
            <span role="cell" class="c-subj">
              {e.subject}
            </span>
            <span role="cell" class="c-msg" title={e.message}>
              {e.message}
              {e.count > 1 ? ` (×${e.count})` : ''}
            </span>
          </>
        )}
      />
    </main>
  );
}
