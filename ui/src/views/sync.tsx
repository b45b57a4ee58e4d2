// One Sync: its conditions, the object tree (inventory → owned objects) with health and drift,
// and for the object picked, its drift as a field diff (manager, since) and its live YAML with
// managedFields folded. "Reconcile now" only when RBAC allows patching this Sync.
import { useEffect, useState } from 'preact/hooks';
import type { ObjectNode, ObjectView, SyncDetail } from '../../../src/server/dashboard/types.ts';
import { ApiError, getJson } from '../api.ts';
import { age, Badge, HealthBadge } from '../format.tsx';
import { setParams, syncHref } from '../router.ts';
import { VirtualList } from '../virtual-list.tsx';
import { History } from './history.tsx';
import { Preview } from './preview.tsx';
import { SyncActions, useConfirm } from './sync-actions.tsx';

function ObjectPanel(props: {
  readonly path: string;
  readonly node: ObjectNode;
  readonly version: number;
}) {
  const { node } = props;
  const [view, setView] = useState<ObjectView | string | undefined>();
  useEffect(() => {
    const ctl = new AbortController();
    const q = new URLSearchParams({
      apiVersion: node.apiVersion,
      kind: node.kind,
      namespace: node.namespace,
      name: node.name,
    });
    getJson<ObjectView>(`${props.path}/object?${q}`, ctl.signal).then(setView, (e: Error) => {
      if (!ctl.signal.aborted) setView(e.message);
    });
    return () => ctl.abort();
  }, [node.id, props.version]);
  return (
    <section class="panel" aria-labelledby="h-object" id="object-panel">
      <h2 id="h-object">
        {node.kind} {node.namespace ? `${node.namespace}/` : ''}
        {node.name}
      </h2>
      <p>
        <HealthBadge health={node.health} /> {node.healthMessage}
      </p>
      <h3>Drift</h3>
      {node.drift.length === 0 ? (
        <p>{node.drifted ? (node.deleted ? 'Deleted live.' : 'Differs from Git.') : 'No drift.'}</p>
      ) : (
        <table class="diff" aria-label="Drifted fields">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Git</th>
              <th scope="col">Live</th>
              <th scope="col">Changed by</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {node.drift.map((f) => (
              <tr data-field={f.path}>
                <td>
                  <code>{f.path}</code>
                </td>
                <td class="del">
                  <code>{f.desired ?? '–'}</code>
                </td>
                <td class="add">
                  <code>{f.live ?? '–'}</code>
                </td>
                <td class="manager">{f.manager ?? 'unknown'}</td>
                <td title={f.since}>{f.since ? `${age(f.since)} ago` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Live object</h3>
      {typeof view === 'string' ? <p role="alert">{view}</p> : null}
      {typeof view === 'object' ? (
        <>
          <details>
            <summary>managedFields</summary>
            <pre class="yaml">{view.managedFields}</pre>
          </details>
          <pre class="yaml" aria-label="Live YAML">
            {view.yaml}
          </pre>
        </>
      ) : null}
    </section>
  );
}

export function SyncView(props: {
  readonly namespace: string;
  readonly name: string;
  readonly params: URLSearchParams;
  readonly version: number;
}) {
  const { namespace, name, params, version } = props;
  const path = `/syncs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
  const [detail, setDetail] = useState<SyncDetail | string | undefined>();
  const confirm = useConfirm();
  useEffect(() => {
    const ctl = new AbortController();
    getJson<SyncDetail>(path, ctl.signal).then(setDetail, (e: Error) => {
      if (!ctl.signal.aborted) setDetail(e instanceof ApiError ? e.message : String(e));
    });
    return () => ctl.abort();
  }, [path, version]);
  const selectedId = params.get('object') ?? undefined;
  if (detail === undefined)
    return (
      <main>
        <p>
          Loading {namespace}/{name}…
        </p>
      </main>
    );
  if (typeof detail === 'string')
    return (
      <main>
        <p role="alert">{detail}</p>
      </main>
    );
  const s = detail.summary;
  const selected = detail.objects.find((o) => o.id === selectedId);
  const route = syncHref(namespace, name).slice(1);
  const pick = (o: ObjectNode) => {
    const next = new URLSearchParams(params);
    next.set('object', o.id);
    setParams(route, next);
  };
  const mayWrite = detail.canReconcile && !detail.standby;
  return (
    <main aria-labelledby="h-sync" class="sync">
      <nav aria-label="Breadcrumb">
        <a href="#/">Overview</a> › {namespace}
      </nav>
      <h1 id="h-sync">{name}</h1>
      <p class="summary">
        <Badge label="Ready" value={s.ready} /> Ready <Badge label="InSync" value={s.inSync} /> In
        sync <Badge label="Healthy" value={s.healthy} /> Healthy ·{' '}
        <code title={s.revisionFull}>{s.revision || '–'}</code> · {s.source} ·{' '}
        <code>{s.path || '.'}</code> · drift {s.driftMode} ·{' '}
        <span data-drift={s.driftCount}>{s.driftCount} drifted</span>
        {s.suspended ? (
          <>
            {' '}
            · <strong data-suspended="true">suspended</strong>
          </>
        ) : null}
        {s.pinned ? (
          <>
            {' '}
            ·{' '}
            <strong data-pinned={s.pinned}>pinned to {s.pinned.slice(-40, -33) || s.pinned}</strong>
          </>
        ) : null}
      </p>
      <p class="message">{s.message}</p>
      {mayWrite ? <SyncActions path={path} summary={s} confirm={confirm} /> : null}
      <details>
        <summary>Conditions</summary>
        <ul>
          {detail.conditions.map((c) => (
            <li>
              <strong>{c.type}</strong> {c.status} ({c.reason}) {c.message} —{' '}
              {age(c.lastTransitionTime)} ago
            </li>
          ))}
        </ul>
      </details>
      <History
        rows={detail.history}
        path={path}
        route={route}
        params={params}
        current={s.revisionFull}
        confirm={mayWrite ? confirm : undefined}
        subject={`${namespace}/${name}`}
      />
      {mayWrite ? <Preview path={path} route={route} params={params} /> : null}
      <div class="split">
        <section aria-labelledby="h-tree">
          <h2 id="h-tree">Objects ({detail.objects.length})</h2>
          <VirtualList
            label="Objects"
            items={detail.objects}
            rowHeight={30}
            height="calc(100vh - 340px)"
            keyOf={(o) => o.id}
            selected={selectedId}
            onActivate={pick}
            row={(o) => (
              <>
                <span role="cell" class="c-obj" style={{ paddingLeft: `${o.depth * 18 + 4}px` }}>
                  {o.depth > 0 ? '└ ' : ''}
                  <span class="kind">{o.kind}</span> {o.name}
                </span>
                <span role="cell" class="c-b">
                  <HealthBadge health={o.health} />
                </span>
                <span role="cell" class="c-drift" data-drifted={o.drifted}>
                  {o.drifted ? (o.deleted ? 'deleted' : `drift ${o.drift.length}`) : ''}
                </span>
              </>
            )}
          />
        </section>
        {selected ? <ObjectPanel path={path} node={selected} version={version} /> : null}
      </div>
    </main>
  );
}
