/**
 * Whether anything but the API server's own validation may judge a new object of a kind
 * (ADR 0035): an admission webhook whose rules may match it, an admission policy binding, or a
 * ResourceQuota in its namespace. Asked once per apply; any doubt (a list refused or failed) is
 * a yes, so the objects go to the server's dry-run as before.
 */
import type { KubeClient } from '../kube/index.ts';

const ADMISSION = 'admissionregistration.k8s.io';
const WEBHOOK_KINDS = ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'];
/** Policy bindings, at every version a server may serve them. */
const POLICY_BINDINGS: readonly (readonly [string, string])[] = [
  ['v1', 'ValidatingAdmissionPolicyBinding'],
  ['v1beta1', 'ValidatingAdmissionPolicyBinding'],
  ['v1', 'MutatingAdmissionPolicyBinding'],
  ['v1beta1', 'MutatingAdmissionPolicyBinding'],
  ['v1alpha1', 'MutatingAdmissionPolicyBinding'],
];

type Rule = { apiGroups?: unknown; resources?: unknown; operations?: unknown };

const has = (list: unknown, ...values: string[]) =>
  Array.isArray(list) && list.some((v) => typeof v === 'string' && values.includes(v));

/** A webhook rule that may match creating `resource` of `group` (selectors not considered). */
export function ruleMayMatch(rule: Rule, group: string, resource: string): boolean {
  return (
    has(rule.apiGroups, group, '*') &&
    has(rule.resources, resource, '*', '*/*', `${resource}/*`) &&
    has(rule.operations, 'CREATE', '*')
  );
}

/** Whether some webhook of `configs` may judge creating `resource` of `group`. */
export function webhooksMayMatch(
  configs: readonly { webhooks?: unknown }[],
  group: string,
  resource: string,
): boolean {
  return configs.some((c) => {
    if (!Array.isArray(c.webhooks)) return false;
    // A webhook without rules is malformed: a doubt, so it counts as a match.
    return (c.webhooks as { rules?: unknown }[]).some(
      (w) =>
        !Array.isArray(w.rules) ||
        (w.rules as Rule[]).some((r) => ruleMayMatch(r, group, resource)),
    );
  });
}

/** True when some admission configuration may judge creating `resource` of `group`. */
export async function admissionMayJudge(
  kube: KubeClient,
  kind: { readonly group: string; readonly resource: string },
  signal: AbortSignal,
): Promise<boolean> {
  const webhooks = await Promise.all(
    WEBHOOK_KINDS.map((k) => kube.list(`${ADMISSION}/v1`, k, {}, signal)),
  );
  for (const w of webhooks) {
    if (!w.ok) return true;
    if (webhooksMayMatch(w.value.items as { webhooks?: unknown }[], kind.group, kind.resource))
      return true;
  }
  const bindings = await Promise.all(
    POLICY_BINDINGS.map(([v, k]) => kube.list(`${ADMISSION}/${v}`, k, {}, signal)),
  );
  // A version the server does not serve holds no binding; any other error is a doubt.
  return bindings.some((b) => (b.ok ? b.value.items.length > 0 : b.error.code !== 'UnknownKind'));
}

/** True when a ResourceQuota in `namespace` may refuse a new object (or the list failed). */
export async function quotaMayJudge(
  kube: KubeClient,
  namespace: string,
  signal: AbortSignal,
): Promise<boolean> {
  const quotas = await kube.list('v1', 'ResourceQuota', { namespace }, signal);
  return !quotas.ok || quotas.value.items.length > 0;
}
