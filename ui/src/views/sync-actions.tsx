// The write buttons of one Sync (shown only when RBAC allows patching it and the operator leads):
// reconcile now, suspend or resume, unpin. Each write but reconcile asks for a confirmation
// first; its result is told in the output beside it, and the Sync's state follows live.
import { useState } from 'preact/hooks';
import type { SyncSummary } from '../../../src/server/dashboard/types.ts';
import { postJson } from '../api.ts';

export type Confirmable = {
  readonly id: string;
  readonly label: string;
  /** What the confirmation says will happen. */
  readonly question: string;
  readonly path: string;
  readonly body?: unknown;
  readonly done: (answer: Record<string, unknown>) => string;
};

/** One pending write, waiting for Confirm or Cancel. */
export function useConfirm() {
  const [pending, setPending] = useState<Confirmable | undefined>();
  const [result, setResult] = useState('');
  const run = (a: Confirmable) => {
    setPending(undefined);
    setResult(`${a.label}: sending…`);
    postJson<Record<string, unknown>>(a.path, a.body).then(
      (answer) => setResult(a.done(answer)),
      (e: Error) => setResult(`${a.label} refused: ${e.message}`),
    );
  };
  return { pending, ask: setPending, run, result, setResult };
}

export function ConfirmBar(props: { readonly confirm: ReturnType<typeof useConfirm> }) {
  const { pending, ask, run, result } = props.confirm;
  return (
    <>
      {pending ? (
        <div role="alertdialog" aria-labelledby="confirm-q" class="confirm" id="confirm">
          <p id="confirm-q">{pending.question}</p>
          <button type="button" id="confirm-yes" onClick={() => run(pending)}>
            {pending.label}
          </button>{' '}
          <button type="button" id="confirm-no" onClick={() => ask(undefined)}>
            Cancel
          </button>
        </div>
      ) : null}
      <output aria-live="polite" id="action-result">
        {result}
      </output>
    </>
  );
}

export function SyncActions(props: {
  readonly path: string;
  readonly summary: SyncSummary;
  readonly confirm: ReturnType<typeof useConfirm>;
}) {
  const { path, summary: s, confirm } = props;
  const subject = `${s.namespace}/${s.name}`;
  const reconcile = () => {
    confirm.setResult('requesting…');
    postJson<{ requestedAt: string }>(`${path}/reconcile`).then(
      (r) => confirm.setResult(`requested at ${r.requestedAt}`),
      (e: Error) => confirm.setResult(`refused: ${e.message}`),
    );
  };
  const suspend: Confirmable = s.suspended
    ? {
        id: 'resume',
        label: 'Resume',
        question: `Resume ${subject}? It reconciles again (as moor resume sync ${s.name}).`,
        path: `${path}/resume`,
        done: () => `${subject} resumed`,
      }
    : {
        id: 'suspend',
        label: 'Suspend',
        question: `Suspend ${subject}? It stops reconciling, drift correction too, until resumed (as moor suspend sync ${s.name}).`,
        path: `${path}/suspend`,
        done: () => `${subject} suspended`,
      };
  const unpin: Confirmable = {
    id: 'unpin',
    label: 'Unpin',
    question: `Unpin ${subject}? It follows its source again (as moor rollback sync ${s.name} --unpin).`,
    path: `${path}/unpin`,
    done: () => `${subject} unpinned`,
  };
  return (
    <div class="actions" role="group" aria-label="Actions">
      <button type="button" id="reconcile" onClick={reconcile}>
        Reconcile now
      </button>{' '}
      <button type="button" id={suspend.id} onClick={() => confirm.ask(suspend)}>
        {suspend.label}
      </button>{' '}
      {s.pinned ? (
        <button type="button" id="unpin" onClick={() => confirm.ask(unpin)}>
          Unpin
        </button>
      ) : null}{' '}
      <ConfirmBar confirm={confirm} />
    </div>
  );
}
