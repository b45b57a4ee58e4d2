// The signing key of an ImageUpdateAutomation (spec.git.commit.signingKey): a Secret of the
// automation's namespace holding an SSH key (`identity`) or an OpenPGP key (`git.asc`, with an
// optional `passphrase`). A missing or unusable key stops the run: nothing is pushed unsigned.
import type { ImageUpdateAutomation } from '../../api/index.ts';
import { err, ok, type Result } from '../../core/index.ts';
import { signingFromSecret, type CommitSigning } from '../../git/index.ts';
import { ImageReasons, type Readiness } from './conditions.ts';
import type { AutomationDeps } from './deps.ts';

export async function signingOf(
  auto: ImageUpdateAutomation,
  deps: Pick<AutomationDeps, 'readSecret'>,
  signal: AbortSignal,
): Promise<Result<CommitSigning | undefined, Readiness>> {
  const ref = auto.spec.git.commit.signingKey;
  if (!ref) return ok(undefined);
  const namespace = auto.metadata.namespace ?? '';
  const subject = `signing key: Secret ${namespace}/${ref.name}`;
  const data = await deps.readSecret(namespace, ref.name, signal);
  if (!data)
    return err({
      ready: false,
      reason: ImageReasons.SecretInvalid,
      message: `${subject} not found`,
    });
  const signing = signingFromSecret(data, subject);
  if (!signing.ok)
    return err({ ready: false, reason: ImageReasons.SecretInvalid, message: signing.error });
  return ok(signing.value);
}
