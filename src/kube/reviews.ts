/**
 * The API server's own answers to "whose token is this?" (TokenReview) and "may they do this?"
 * (SubjectAccessReview), asked with the operator's client: the dashboard authorises with them.
 */
import { err, ok, type KubeObject, type Result } from '../core/index.ts';
import type { KubeError } from './errors.ts';
import type { KubeClient } from './types.ts';

export type ReviewedUser = { readonly user: string; readonly groups: readonly string[] };

export type AccessAttributes = {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
};

type Status = {
  authenticated?: boolean;
  allowed?: boolean;
  user?: { username?: string; groups?: string[] };
};

function statusOf(obj: KubeObject): Status {
  const status = obj.status;
  return status !== null && typeof status === 'object' ? status : {};
}

/** Who `token` authenticates as; undefined when the API server does not accept it. */
export async function reviewToken(
  kube: Pick<KubeClient, 'create'>,
  token: string,
  signal: AbortSignal,
): Promise<Result<ReviewedUser | undefined, KubeError>> {
  const review: KubeObject = {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    metadata: {},
    spec: { token },
  };
  const answered = await kube.create(review, signal);
  if (!answered.ok) return err(answered.error);
  const status = statusOf(answered.value);
  const user = status.user?.username;
  if (status.authenticated !== true || !user) return ok(undefined);
  return ok({ user, groups: status.user?.groups ?? [] });
}

/** Whether `who` may do what `attributes` say, as the API server's authorizer answers. */
export async function reviewAccess(
  kube: Pick<KubeClient, 'create'>,
  who: ReviewedUser,
  attributes: AccessAttributes,
  signal: AbortSignal,
): Promise<Result<boolean, KubeError>> {
  const resourceAttributes = {
    verb: attributes.verb,
    group: attributes.group,
    resource: attributes.resource,
    ...(attributes.namespace ? { namespace: attributes.namespace } : {}),
    ...(attributes.name ? { name: attributes.name } : {}),
  };
  const review: KubeObject = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    metadata: {},
    spec: { user: who.user, groups: [...who.groups], resourceAttributes },
  };
  const answered = await kube.create(review, signal);
  if (!answered.ok) return err(answered.error);
  return ok(statusOf(answered.value).allowed === true);
}
