// The preview of a ref (as moor diff sync --ref): what applying a branch, tag or commit of the
// Sync's source would create, change and prune live, with the changed fields (Secret values
// hidden). Nothing is written. Deep link: ?preview=REF.
import { useEffect, useState } from 'preact/hooks';
import type { PreviewObjectView, PreviewView } from '../../../src/server/dashboard/types.ts';
import { getJson } from '../api.ts';
import { setParams } from '../router.ts';

const nameOf = (o: PreviewObjectView) =>
  `${o.kind}${o.group ? `.${o.group}` : ''}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`;

function Objects(props: { readonly title: string; readonly items: readonly PreviewObjectView[] }) {
  if (props.items.length === 0) return null;
  return (
    <>
      <h3>
        {props.title} ({props.items.length})
      </h3>
      <ul aria-label={props.title}>
        {props.items.map((o) => (
          <li data-object={nameOf(o)}>
            <code>{nameOf(o)}</code>
            {o.message ? ` — ${o.message}` : ''}
            {o.fields && o.fields.length > 0 ? (
              <table class="diff" aria-label={`Fields of ${nameOf(o)}`}>
                <tbody>
                  {o.fields.map((f) => (
                    <tr data-field={f.path}>
                      <td>
                        <code>{f.path}</code>
                      </td>
                      {f.masked ? (
                        <td colSpan={2}>(secret value hidden)</td>
                      ) : (
                        <>
                          <td class="del">
                            <code>{f.before ?? '–'}</code>
                          </td>
                          <td class="add">
                            <code>{f.after ?? '–'}</code>
                          </td>
                        </>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}

function PreviewResult(props: { readonly path: string; readonly refName: string }) {
  const [view, setView] = useState<PreviewView | string | undefined>();
  useEffect(() => {
    const ctl = new AbortController();
    setView(undefined);
    const q = new URLSearchParams({ ref: props.refName });
    getJson<PreviewView>(`${props.path}/preview?${q}`, ctl.signal).then(setView, (e: Error) => {
      if (!ctl.signal.aborted) setView(e.message);
    });
    return () => ctl.abort();
  }, [props.path, props.refName]);
  if (view === undefined) return <p role="status">Previewing {props.refName}…</p>;
  if (typeof view === 'string') return <p role="alert">{view}</p>;
  return (
    <div id="preview-result" data-revision={view.revision}>
      <p>
        <code>{view.revision}</code>: {view.create.length} to create, {view.change.length} to
        change, {view.prune.length} to prune, {view.unchanged} unchanged
        {view.failed.length > 0 ? `, ${view.failed.length} refused` : ''}.
      </p>
      <Objects title="To create" items={view.create} />
      <Objects title="To change" items={view.change} />
      <Objects title="To prune" items={view.prune} />
      <Objects title="Refused" items={view.failed} />
    </div>
  );
}

export function Preview(props: {
  readonly path: string;
  readonly route: string;
  readonly params: URLSearchParams;
}) {
  const shown = props.params.get('preview') ?? '';
  const [value, set] = useState(shown);
  return (
    <details open={shown !== '' || undefined}>
      <summary>Preview a ref</summary>
      <section aria-labelledby="h-preview" class="panel" id="preview">
        <h2 id="h-preview">What a ref would change live</h2>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const next = new URLSearchParams(props.params);
            next.set('preview', value.trim());
            setParams(props.route, next);
          }}
        >
          <label>
            Branch, tag or commit{' '}
            <input id="preview-ref" value={value} onInput={(e) => set(e.currentTarget.value)} />
          </label>{' '}
          <button type="submit">Preview</button>
        </form>
        {shown ? <PreviewResult path={props.path} refName={shown} /> : null}
      </section>
    </details>
  );
}
