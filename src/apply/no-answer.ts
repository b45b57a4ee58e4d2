/**
 * One apply's client that stops sending once the API server gave no answer (connection refused or
 * reset, no response in time): the other objects of the revision would only fail the same way, one
 * request each, so they fail at once without a request, naming the first error. The reconcile then
 * fails and retries with the Sync's backoff instead of sending the whole revision at a dead server.
 */
import { err, type Result } from '../core/index.ts';
import { KubeError, type KubeClient } from '../kube/index.ts';

/** True when the request got no answer at all (no HTTP status): the server is down or unreachable. */
export function isNoAnswer(error: KubeError): boolean {
  return (
    error.data.status === undefined && (error.code === 'Unavailable' || error.code === 'Timeout')
  );
}

type Subject = { readonly kind: string; readonly metadata?: { readonly name?: string } } & {
  readonly name?: string;
};

export function stopAfterNoAnswer(kube: KubeClient): KubeClient {
  let first: KubeError | undefined;
  const guard = async <T>(
    verb: string,
    of: Subject,
    send: () => Promise<Result<T, KubeError>>,
  ): Promise<Result<T, KubeError>> => {
    if (first) {
      const subject = `${of.kind}/${of.metadata?.name ?? of.name ?? ''}`;
      const message = `${verb} ${subject}: not sent, the API server did not answer: ${first.message}`;
      return err(new KubeError(first.code, message, { verb, subject }, { cause: first }));
    }
    const sent = await send();
    if (!sent.ok && isNoAnswer(sent.error)) first ??= sent.error;
    return sent;
  };
  return {
    ...kube,
    requestCounts: kube.requestCounts,
    apply: (obj, opts, signal) => guard('apply', obj, () => kube.apply(obj, opts, signal)),
    get: (ref, signal) => guard('get', ref, () => kube.get(ref, signal)),
    delete: (ref, opts, signal) => guard('delete', ref, () => kube.delete(ref, opts, signal)),
    resolveKind: (apiVersion, kind, signal) =>
      guard('discovery', { kind, name: apiVersion }, () =>
        kube.resolveKind(apiVersion, kind, signal),
      ),
  };
}
