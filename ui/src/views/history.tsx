// The history timeline of one Sync: each apply with its revision, result, counts and duration;
// pick two entries to see the object-list delta between them (deep link: ?from=&to=), and, for
// those allowed to write, roll back to an entry (a pin, as moor rollback sync --pin --to).
import { useEffect, useState } from 'preact/hooks';
import type { HistoryDiffView, HistoryRow } from '../../../src/server/dashboard/types.ts';
import { getJson } from '../api.ts';
import { age } from '../format.tsx';
import { setParams } from '../router.ts';
import type { useConfirm } from './sync-actions.tsx';

function DiffList(props: {
  readonly title: string;
  readonly cls: string;
  readonly ids: readonly string[];
}) {
  return (
    <>
      <h4>
        {props.title} ({props.ids.length})
      </h4>
      <ul class={props.cls} aria-label={props.title}>
        {props.ids.map((id) => (
          <li>
            <code>{id}</code>
          </li>
        ))}
      </ul>
    </>
  );
}

function HistoryDiff(props: { readonly path: string; readonly from: string; readonly to: string }) {
  const [diff, setDiff] = useState<HistoryDiffView | string | undefined>();
  useEffect(() => {
    const ctl = new AbortController();
    const q = new URLSearchParams({ from: props.from, to: props.to });
    getJson<HistoryDiffView>(`${props.path}/history/diff?${q}`, ctl.signal).then(
      setDiff,
      (e: Error) => {
        if (!ctl.signal.aborted) setDiff(e.message);
      },
    );
    return () => ctl.abort();
  }, [props.path, props.from, props.to]);
  if (diff === undefined) return <p>Comparing…</p>;
  if (typeof diff === 'string') return <p role="alert">{diff}</p>;
  return (
    <section class="panel" aria-labelledby="h-hdiff" id="history-diff">
      <h3 id="h-hdiff">
        <code title={diff.from.revisionFull}>{diff.from.revision}</code> →{' '}
        <code title={diff.to.revisionFull}>{diff.to.revision}</code> ({diff.applies} applies)
      </h3>
      <p>
        {diff.from.message} → {diff.to.message} {diff.to.author ? `(${diff.to.author})` : ''}
      </p>
      <DiffList title="Added" cls="add" ids={diff.added} />
      <DiffList title="Removed" cls="del" ids={diff.removed} />
      <DiffList title="Changed" cls="chg" ids={diff.changed} />
      <p class="note">
        {diff.changedComplete ? '' : 'Some applies changed more objects than their record lists. '}
        The history keeps which objects changed, not their fields: preview a revision for its field
        diff against what is live.
      </p>
    </section>
  );
}

export function History(props: {
  readonly rows: readonly HistoryRow[];
  readonly path: string;
  readonly route: string;
  readonly params: URLSearchParams;
  readonly current: string;
  /** Set when the caller may write: each entry gets a rollback button. */
  readonly confirm?: ReturnType<typeof useConfirm> | undefined;
  readonly subject: string;
}) {
  const { params, confirm } = props;
  const [from, setFrom] = useState(params.get('from') ?? '');
  const [to, setTo] = useState(params.get('to') ?? '');
  const shownFrom = params.get('from');
  const shownTo = params.get('to');
  const compare = () => {
    const next = new URLSearchParams(params);
    next.set('from', from);
    next.set('to', to);
    setParams(props.route, next);
  };
  return (
    <details open={shownFrom !== null || undefined}>
      <summary>History ({props.rows.length})</summary>
      <table class="diff" aria-label="History">
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Started</th>
            <th scope="col">Revision</th>
            <th scope="col">Result</th>
            <th scope="col">Created / configured / deleted</th>
            <th scope="col">Took</th>
            <th scope="col">Message</th>
            {confirm ? <th scope="col">Roll back</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((h) => (
            <tr data-result={h.result} data-started={h.startedAt}>
              <td>
                <input
                  type="radio"
                  name="from"
                  aria-label={`compare from ${h.revision} of ${h.startedAt}`}
                  checked={from === h.startedAt}
                  onChange={() => setFrom(h.startedAt)}
                />
              </td>
              <td>
                <input
                  type="radio"
                  name="to"
                  aria-label={`compare to ${h.revision} of ${h.startedAt}`}
                  checked={to === h.startedAt}
                  onChange={() => setTo(h.startedAt)}
                />
              </td>
              <td title={h.startedAt}>{age(h.startedAt)} ago</td>
              <td>
                <code title={h.revisionFull}>{h.revision}</code>
              </td>
              <td>{h.result}</td>
              <td>
                {h.created} / {h.configured} / {h.deleted}
              </td>
              <td>{h.durationMs === undefined ? '' : `${(h.durationMs / 1000).toFixed(1)} s`}</td>
              <td>{h.message}</td>
              {confirm ? (
                <td>
                  {h.result === 'Succeeded' && h.revisionFull !== props.current ? (
                    <button
                      type="button"
                      class="rollback"
                      onClick={() =>
                        confirm.ask({
                          id: 'rollback',
                          label: 'Roll back',
                          question: `Roll ${props.subject} back to ${h.revision}? It is pinned to that revision and Git is not written (as moor rollback sync --pin --to ${h.revision}); Unpin ends it.`,
                          path: `${props.path}/rollback`,
                          body: { startedAt: h.startedAt },
                          done: (a) => `pinned to ${String(a.pinned)}`,
                        })
                      }
                    >
                      Roll back
                    </button>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" id="compare" disabled={!from || !to} onClick={compare}>
        Compare
      </button>
      {shownFrom && shownTo ? (
        <HistoryDiff path={props.path} from={shownFrom} to={shownTo} />
      ) : null}
    </details>
  );
}
